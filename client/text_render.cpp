#include "client/text_render.hpp"

#include <cstdio>

#include "client/styled_text.hpp"

namespace ddtr::client {
namespace {

std::string display_name(const std::vector<std::string>& names) {
  if (names.empty()) return "";
  std::string name = sanitize(names.front());
  if (name.size() > 1 && name.back() == '.') name.pop_back();
  return name;
}

}  // namespace

std::vector<std::string> render_text(const TraceTable& table, const TraceParams& params,
                                     const std::string& destination_ip) {
  std::vector<std::string> lines;
  std::string heading = "traceroute to " + sanitize(params.hostname);
  if (!destination_ip.empty()) heading += " (" + sanitize(destination_ip) + ")";
  heading += ", " + std::to_string(params.max_ttl) + " hops max, " + sanitize(params.protocol);
  if (params.protocol != "icmp") heading += " port " + std::to_string(params.port);
  heading += ", " + std::to_string(table.runs()) + (table.runs() == 1 ? " run" : " runs");
  lines.push_back(std::move(heading));

  const int last = table.last_ttl();
  for (int ttl = 1; ttl <= last; ++ttl) {
    char number[16];
    std::snprintf(number, sizeof number, "%2d ", ttl);
    std::string line = number;
    std::string previous;  // the address last named on this line
    for (int r = 0; r < table.runs(); ++r) {
      auto dest = table.destination_ttl(r);
      if (dest && ttl > *dest) continue;
      const HopCell& cell = table.cell(r, ttl);
      if (cell.state == CellState::NoAnswer) {
        line += " *";
      } else if (cell.state == CellState::Answered) {
        if (cell.address != previous) {
          std::string name = display_name(cell.names);
          // append(): GCC 12 warns falsely (-Wrestrict) on `" " + string` at -O3.
          line.append(" ");
          if (name.empty()) {
            line.append(sanitize(cell.address));
          } else {
            line.append(name).append(" (").append(sanitize(cell.address)).append(")");
          }
          previous = cell.address;
        }
        char rtt[32];
        std::snprintf(rtt, sizeof rtt, "  %.3f ms", cell.rtt_ms);
        line += rtt;
      }
    }
    while (line.back() == ' ') line.pop_back();  // a TTL nothing is known of yet (partial listing)
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace ddtr::client
