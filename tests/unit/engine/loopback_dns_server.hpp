// A DNS server for the resolver's tests, on 127.0.0.1 (an ephemeral port) and
// the test's own io_context: names under answer.test get A 192.0.2.1 (and
// v6only.answer.test only AAAA 2001:db8::1), names under silent.test are
// dropped (counted), anything else gets NXDOMAIN.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace ddtr::testing {

class LoopbackDnsServer {
 public:
  explicit LoopbackDnsServer(boost::asio::io_context& io)
      : socket_(io, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    receive();
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(socket_.local_endpoint().port()); }
  int dropped() const { return dropped_; }
  int answered() const { return answered_; }
  void close() { socket_.close(); }

 private:
  static bool ends_with(const std::string& name, const std::string& suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  }

  void receive() {
    socket_.async_receive_from(boost::asio::buffer(buffer_), peer_, [this](const boost::system::error_code& ec, std::size_t n) {
      if (ec) return;
      handle(n);
      receive();
    });
  }

  void handle(std::size_t n) {
    if (n < 17) return;
    std::size_t offset = 12;
    std::string name;
    while (offset < n && buffer_[offset] != 0) {
      std::size_t length = buffer_[offset];
      if (offset + 1 + length >= n) return;
      if (!name.empty()) name += '.';
      name.append(reinterpret_cast<const char*>(&buffer_[offset + 1]), length);
      offset += 1 + length;
    }
    if (offset + 5 > n) return;
    std::uint16_t qtype = static_cast<std::uint16_t>(buffer_[offset + 1] << 8 | buffer_[offset + 2]);
    std::size_t question_end = offset + 5;
    if (ends_with(name, "silent.test")) {
      ++dropped_;
      return;
    }
    std::vector<std::uint8_t> rdata;
    int rcode = 3;  // NXDOMAIN
    if (ends_with(name, "answer.test")) {
      rcode = 0;
      bool v6only = ends_with(name, "v6only.answer.test");
      if (qtype == 1 && !v6only) rdata = {192, 0, 2, 1};
      if (qtype == 28 && v6only) rdata = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    }
    std::vector<std::uint8_t> reply(buffer_.begin(), buffer_.begin() + static_cast<long>(question_end));
    reply[2] = 0x81;  // QR, RD
    reply[3] = static_cast<std::uint8_t>(0x80 | rcode);  // RA
    reply[4] = 0, reply[5] = 1;
    reply[6] = 0, reply[7] = rdata.empty() ? 0 : 1;
    reply[8] = reply[9] = reply[10] = reply[11] = 0;
    if (!rdata.empty()) {
      std::uint8_t header[] = {0xc0, 0x0c, static_cast<std::uint8_t>(qtype >> 8), static_cast<std::uint8_t>(qtype),
                               0, 1, 0, 0, 0, 60, 0, static_cast<std::uint8_t>(rdata.size())};
      reply.insert(reply.end(), std::begin(header), std::end(header));
      reply.insert(reply.end(), rdata.begin(), rdata.end());
    }
    ++answered_;
    socket_.send_to(boost::asio::buffer(reply), peer_);
  }

  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint peer_;
  std::array<std::uint8_t, 1500> buffer_{};
  int dropped_ = 0;
  int answered_ = 0;
};

}  // namespace ddtr::testing
