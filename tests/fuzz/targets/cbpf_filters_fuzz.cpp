// The cBPF capture programs against their documented meaning. The input picks
// a filter spec and an ethertype, then a packet (support/cbpf_case.hpp). Each
// program must be structurally valid (what the kernel's checker demands), run
// in the reference interpreter without an unsupported instruction, return
// exactly accept or drop, and agree with filter_should_accept.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "platform/linux/cbpf_filters.hpp"
#include "shared/common/error.hpp"
#include "tests/fuzz/support/cbpf_case.hpp"
#include "tests/fuzz/support/cbpf_reference.hpp"
#include "tests/fuzz/support/cbpf_shape.hpp"
#include "tests/fuzz/support/check.hpp"
#include "tests/testutils/cbpf_interpreter.hpp"

using namespace ddtr;
using platform::FilterType;
namespace lx = platform::linux_;

namespace {

std::uint32_t run(std::span<const sock_filter> program, std::span<const std::uint8_t> packet, std::uint16_t ethertype) {
  try {
    return testutils::run_cbpf(program, packet, ethertype);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "cBPF program uses what the interpreter does not know: %s\n", e.what());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto c = fuzz::decode_cbpf_case({data, size});
  if (!c) return 0;
  std::vector<sock_filter> program;
  try {
    program = lx::build_cbpf_program(c->spec);
  } catch (const Error&) {
    // Documented: only a TCP filter without both endpoints is refused.
    FUZZ_CHECK(c->spec.type == FilterType::Tcp && (!c->spec.src || !c->spec.dst));
    return 0;
  }
  FUZZ_CHECK(!(c->spec.type == FilterType::Tcp && (!c->spec.src || !c->spec.dst)));
  if (c->spec.type == FilterType::None) {
    FUZZ_CHECK(program.empty());  // the caller detaches instead
    return 0;
  }
  FUZZ_CHECK(fuzz::cbpf_program_is_well_formed(program));
  std::uint32_t verdict = run(program, c->packet, c->ethertype);
  FUZZ_CHECK(verdict == lx::kAccept || verdict == lx::kDrop);
  bool expected = fuzz::filter_should_accept(c->spec, c->packet, c->ethertype);
  if ((verdict == lx::kAccept) != expected) {
    std::fprintf(stderr, "filter type %d, ethertype 0x%04x: program %s, documented meaning %s\n",
                 static_cast<int>(c->spec.type), c->ethertype, verdict == lx::kAccept ? "accepts" : "drops",
                 expected ? "accepts" : "drops");
    std::abort();
  }

  auto drop = lx::drop_all_program();
  FUZZ_CHECK(fuzz::cbpf_program_is_well_formed(drop) && run(drop, c->packet, c->ethertype) == lx::kDrop);
  return 0;
}
