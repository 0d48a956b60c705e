// Lines made of styled spans, turned into text for a terminal (with SGR colour
// codes) or for a file (plain). Widths count characters: everything we print
// is ASCII, which sanitize() guarantees for text that came from the network.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ddtr::client {

enum class Style { Plain, Title, Header, Destination, NoAnswer, Loss, TotalLoss, Note };

struct Span {
  std::string text;
  Style style = Style::Plain;
};

using StyledLine = std::vector<Span>;

// Printable ASCII only: a reverse DNS name is whatever a PTR record says, and
// must not reach the terminal as an escape sequence.
std::string sanitize(std::string_view text);

// Clipped to `width - 1` characters when width > 0 (the last column stays
// free, so a full line never wraps and the live redraw keeps its line count),
// trailing blanks dropped, SGR codes around styled spans when `color`.
std::string to_text(const StyledLine& line, bool color, int width);

}  // namespace ddtr::client
