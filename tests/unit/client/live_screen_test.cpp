// The in-place redraw: the exact bytes sent to the terminal, and what a
// terminal shows after them (a tiny VT100 model that honours CUU, EL, ED).
#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "client/live_screen.hpp"

namespace ddtr::client {
namespace {

// Just enough of a terminal for our sequences: text, \n, \r, ESC[nA, ESC[2K, ESC[J.
class FakeTerminal {
 public:
  void write(const std::string& bytes) {
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      char c = bytes[i];
      if (c == '\x1b') {
        ASSERT_LT(i + 1, bytes.size());
        ASSERT_EQ(bytes[i + 1], '[');
        std::size_t j = i + 2;
        int n = 0;
        bool has_n = false;
        while (j < bytes.size() && std::isdigit(static_cast<unsigned char>(bytes[j]))) {
          n = n * 10 + (bytes[j] - '0');
          has_n = true;
          ++j;
        }
        ASSERT_LT(j, bytes.size());
        char op = bytes[j];
        if (op == 'A') {
          row_ -= has_n ? n : 1;
          ASSERT_GE(row_, 0) << "cursor moved above the first line";
        } else if (op == 'K') {
          ASSERT_EQ(n, 2);
          line().clear();
        } else if (op == 'J') {
          lines_.resize(static_cast<std::size_t>(row_) + 1);
          line().resize(static_cast<std::size_t>(col_));
        } else {
          FAIL() << "unexpected sequence " << op;
        }
        i = j;
      } else if (c == '\n') {
        ++row_;
        col_ = 0;
      } else if (c == '\r') {
        col_ = 0;
      } else {
        std::string& l = line();
        if (l.size() < static_cast<std::size_t>(col_)) l.resize(static_cast<std::size_t>(col_), ' ');
        if (static_cast<std::size_t>(col_) < l.size()) {
          l[static_cast<std::size_t>(col_)] = c;
        } else {
          l.push_back(c);
        }
        ++col_;
      }
    }
  }
  std::vector<std::string> screen() const {
    std::vector<std::string> out = lines_;
    while (!out.empty() && out.back().empty()) out.pop_back();
    return out;
  }

 private:
  std::string& line() {
    if (lines_.size() <= static_cast<std::size_t>(row_)) lines_.resize(static_cast<std::size_t>(row_) + 1);
    return lines_[static_cast<std::size_t>(row_)];
  }
  std::vector<std::string> lines_;
  int row_ = 0, col_ = 0;
};

TEST(LiveScreen, FirstFrameIsPlainLines) {
  LiveScreen screen;
  EXPECT_EQ(screen.redraw({"a", "b"}), "\x1b[2Ka\n\x1b[2Kb\n");
  EXPECT_EQ(screen.lines_shown(), 2u);
}

TEST(LiveScreen, LaterFramesMoveUpOverThePreviousOne) {
  LiveScreen screen;
  screen.redraw({"a", "b", "c"});
  EXPECT_EQ(screen.redraw({"x", "y", "z", "w"}), "\r\x1b[3A\x1b[2Kx\n\x1b[2Ky\n\x1b[2Kz\n\x1b[2Kw\n");
  EXPECT_EQ(screen.redraw({"p"}), "\r\x1b[4A\x1b[2Kp\n\x1b[J");  // shorter: the old tail is erased
  EXPECT_EQ(screen.redraw({}), "\r\x1b[1A\x1b[J");
  EXPECT_EQ(screen.redraw({}), "");
}

TEST(LiveScreen, ATerminalShowsOnlyTheLatestFrameBelowEarlierOutput) {
  FakeTerminal terminal;
  terminal.write("$ datadog-traceroute 203.0.113.5\n");
  LiveScreen screen;
  terminal.write(screen.redraw({"TTL  Address", "  1"}));
  terminal.write(screen.redraw({"TTL  Address", "  1  192.0.2.6 (a long line)", "  2"}));
  terminal.write(screen.redraw({"TTL  Address", "  1  192.0.2.6", "  2  203.0.113.5"}));
  std::vector<std::string> expected = {"$ datadog-traceroute 203.0.113.5", "TTL  Address", "  1  192.0.2.6",
                                       "  2  203.0.113.5"};
  EXPECT_EQ(terminal.screen(), expected);
  terminal.write(screen.redraw({"done"}));
  expected = {"$ datadog-traceroute 203.0.113.5", "done"};
  EXPECT_EQ(terminal.screen(), expected);
}

}  // namespace
}  // namespace ddtr::client
