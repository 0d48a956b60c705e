#include "client/live_screen.hpp"

namespace ddtr::client {

std::string LiveScreen::redraw(const std::vector<std::string>& lines) {
  std::string out;
  // "\r" then CUU: back to column 0 of the frame's first line.
  if (shown_ > 0) out += "\r\x1b[" + std::to_string(shown_) + "A";
  for (const std::string& line : lines) {
    out += "\x1b[2K";  // the old line may be longer than the new one
    out += line;
    out += "\n";
  }
  if (lines.size() < shown_) out += "\x1b[J";  // a shorter frame: erase the old frame's tail
  shown_ = lines.size();
  return out;
}

}  // namespace ddtr::client
