// parse_tcp_options, twice per input. First on the raw bytes: whatever they
// are, nothing is read out of bounds and no more SACK blocks come out than fit.
// Then the input is read as a recipe for a well-formed option list (NOPs,
// SACK-permitted, timestamps, SACK blocks, unknown kinds, in any order): the
// parser must give back exactly what was encoded, the last timestamps option
// winning, SACK blocks in order.
#include <vector>

#include "daemon/probes/wire/byte_order.hpp"
#include "daemon/probes/wire/tcp_options.hpp"
#include "tests/fuzz/support/check.hpp"

using namespace ddtr::probes;

namespace {

// Reads the recipe; runs out gracefully (missing bytes are 0).
class Recipe {
 public:
  explicit Recipe(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  bool done() const { return at_ >= bytes_.size(); }
  std::uint8_t byte() { return at_ < bytes_.size() ? bytes_[at_++] : 0; }
  std::uint32_t word() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | byte();
    return v;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t at_ = 0;
};

void push_word(std::vector<std::uint8_t>& out, std::uint32_t v) {
  out.resize(out.size() + 4);
  store_be32(out, out.size() - 4, v);
}

struct Encoded {
  std::vector<std::uint8_t> bytes;
  TcpOptions expected;
};

Encoded encode(Recipe recipe) {
  Encoded e;
  auto& out = e.bytes;
  while (!recipe.done()) {
    switch (recipe.byte() % 5) {
      case 0: out.push_back(1); break;  // NOP
      case 1:
        out.insert(out.end(), {4, 2});
        e.expected.sack_permitted = true;
        break;
      case 2: {
        TcpTimestamps ts{recipe.word(), recipe.word()};
        out.insert(out.end(), {8, 10});
        push_word(out, ts.value);
        push_word(out, ts.echo_reply);
        e.expected.timestamps = ts;
        break;
      }
      case 3: {
        int blocks = recipe.byte() % 4 + 1;
        out.insert(out.end(), {5, static_cast<std::uint8_t>(2 + 8 * blocks)});
        for (int i = 0; i < blocks; ++i) {
          SackBlock b{recipe.word(), recipe.word()};
          push_word(out, b.left);
          push_word(out, b.right);
          e.expected.sack_blocks.push_back(b);
        }
        e.expected.has_sack = true;
        break;
      }
      default: {
        // Any other kind with up to 7 data bytes, skipped by its length.
        std::uint8_t kind = recipe.byte();
        if (kind <= 1 || kind == 4 || kind == 5 || kind == 8) kind = 254;
        std::uint8_t length = static_cast<std::uint8_t>(2 + recipe.byte() % 8);
        out.insert(out.end(), {kind, length});
        for (int i = 2; i < length; ++i) out.push_back(recipe.byte());
        break;
      }
    }
  }
  out.push_back(0);  // end of options: anything after it is never read
  out.push_back(8);
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> bytes(data, size);
  auto raw = parse_tcp_options(bytes);
  FUZZ_CHECK(raw.sack_blocks.size() <= size / 8);
  FUZZ_CHECK(raw.has_sack || raw.sack_blocks.empty());

  Encoded e = encode(Recipe(bytes));
  auto parsed = parse_tcp_options(e.bytes);
  FUZZ_CHECK(parsed.sack_permitted == e.expected.sack_permitted);
  FUZZ_CHECK(parsed.timestamps.has_value() == e.expected.timestamps.has_value());
  if (parsed.timestamps) {
    FUZZ_CHECK(parsed.timestamps->value == e.expected.timestamps->value);
    FUZZ_CHECK(parsed.timestamps->echo_reply == e.expected.timestamps->echo_reply);
  }
  FUZZ_CHECK(!parsed.truncated_timestamps);
  FUZZ_CHECK(parsed.has_sack == e.expected.has_sack);
  FUZZ_CHECK(parsed.sack_blocks.size() == e.expected.sack_blocks.size());
  for (std::size_t i = 0; i < parsed.sack_blocks.size(); ++i) {
    FUZZ_CHECK(parsed.sack_blocks[i].left == e.expected.sack_blocks[i].left);
    FUZZ_CHECK(parsed.sack_blocks[i].right == e.expected.sack_blocks[i].right);
  }
  return 0;
}
