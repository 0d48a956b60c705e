#include "daemon/enrich/reversedns/hosts_names.hpp"

#include <boost/asio/ip/address.hpp>
#include <fstream>
#include <optional>
#include <sstream>

namespace ddtr::enrich {
namespace {

// Go's getFields: split on spaces, tabs, CR and LF.
std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n')) ++i;
    std::size_t start = i;
    while (i < line.size() && !(line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n')) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// Go's parseLiteralIP; a zone ("fe80::1%eth0") is compared without it.
std::optional<IpAddress> literal_ip(std::string_view text) {
  std::string address(text.substr(0, text.find('%')));
  boost::system::error_code ec;
  auto ip = boost::asio::ip::make_address(address, ec);
  if (ec) return std::nullopt;
  return ip;
}

}  // namespace

std::vector<std::string> hosts_names(std::string_view hosts_text, const IpAddress& ip) {
  std::vector<std::string> names;
  while (!hosts_text.empty()) {
    auto newline = hosts_text.find('\n');
    std::string_view line = hosts_text.substr(0, newline);
    hosts_text = newline == std::string_view::npos ? std::string_view() : hosts_text.substr(newline + 1);
    line = line.substr(0, line.find('#'));
    auto fields = fields_of(line);
    if (fields.size() < 2) continue;
    auto address = literal_ip(fields[0]);
    if (!address || *address != ip) continue;
    for (std::size_t i = 1; i < fields.size(); ++i) {
      std::string name(fields[i]);
      if (name.back() != '.') name += '.';
      names.push_back(std::move(name));
    }
  }
  return names;
}

std::vector<std::string> hosts_file_names(const std::string& path, const IpAddress& ip) {
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return hosts_names(text.str(), ip);
}

}  // namespace ddtr::enrich
