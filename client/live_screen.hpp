// Redraws a block of lines in place at the bottom of a terminal, as
// `mtr --report`-style live views do: cursor up over the previous frame,
// rewrite each line, erase what is left below. ANSI/VT100 sequences only
// (every terminal emulator in use speaks them), so no curses dependency.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ddtr::client {

class LiveScreen {
 public:
  // The bytes that replace the previous frame (none yet: draw from the cursor)
  // with `lines`. Each line must fit in the terminal's width minus one column
  // (to_text() clips so), or wrapping would break the line count.
  std::string redraw(const std::vector<std::string>& lines);

  std::size_t lines_shown() const { return shown_; }

 private:
  std::size_t shown_ = 0;
};

}  // namespace ddtr::client
