#include "daemon/probes/wire/tcp_options.hpp"

#include "daemon/probes/wire/byte_order.hpp"

namespace ddtr::probes {

TcpOptions parse_tcp_options(std::span<const std::uint8_t> o) {
  TcpOptions out;
  std::size_t i = 0;
  while (i < o.size()) {
    std::uint8_t kind = o[i];
    if (kind == 0) break;  // end of options
    if (kind == 1) {       // NOP
      ++i;
      continue;
    }
    if (i + 1 >= o.size()) break;
    std::size_t length = o[i + 1];
    if (length < 2 || i + length > o.size()) break;
    auto data = o.subspan(i + 2, length - 2);
    switch (kind) {
      case 4:
        out.sack_permitted = true;
        break;
      case 5:
        out.has_sack = true;
        for (std::size_t b = 0; b + 8 <= data.size(); b += 8) {
          out.sack_blocks.push_back(SackBlock{load_be32(data, b), load_be32(data, b + 4)});
        }
        break;
      case 8:
        if (data.size() >= 8) {
          out.timestamps = TcpTimestamps{load_be32(data, 0), load_be32(data, 4)};
        } else {
          out.truncated_timestamps = true;
        }
        break;
      default:
        break;
    }
    i += length;
  }
  return out;
}

}  // namespace ddtr::probes
