#include "client/styled_text.hpp"

namespace ddtr::client {
namespace {

const char* sgr(Style style) {
  switch (style) {
    case Style::Plain: return "";
    case Style::Title: return "\x1b[1m";
    case Style::Header: return "\x1b[1;4m";
    case Style::Destination: return "\x1b[32m";
    case Style::NoAnswer: return "\x1b[31m";
    case Style::Loss: return "\x1b[33m";
    case Style::TotalLoss: return "\x1b[1;31m";
    case Style::Note: return "\x1b[2m";
  }
  return "";
}

}  // namespace

std::string sanitize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
  }
  return out;
}

std::string to_text(const StyledLine& line, bool color, int width) {
  std::size_t budget = width > 0 ? static_cast<std::size_t>(width - 1) : std::string::npos;
  // Visible text first, so trailing blanks can be dropped before styling.
  std::vector<Span> clipped;
  for (const Span& span : line) {
    if (budget == 0) break;
    std::string text = span.text.substr(0, budget);
    if (budget != std::string::npos) budget -= text.size();
    clipped.push_back(Span{std::move(text), span.style});
  }
  while (!clipped.empty()) {
    std::string& text = clipped.back().text;
    auto end = text.find_last_not_of(' ');
    if (end == std::string::npos) {
      clipped.pop_back();
      continue;
    }
    text.resize(end + 1);
    break;
  }
  std::string out;
  for (const Span& span : clipped) {
    const char* code = sgr(span.style);
    bool styled = color && *code != '\0' && span.text.find_first_not_of(' ') != std::string::npos;
    if (styled) out += code;
    out += span.text;
    if (styled) out += "\x1b[0m";
  }
  return out;
}

}  // namespace ddtr::client
