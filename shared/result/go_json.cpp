#include "shared/result/go_json.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "shared/common/error.hpp"

namespace ddtr {
namespace {

// Go's encoding/json float rule: shortest round-trip digits, 'f' notation
// unless the magnitude is below 1e-6 or at least 1e21, then 'e' with a
// two-digit-minimum exponent trimmed ("1e-07" -> "1e-7").
template <typename Float>
std::string format_float(Float value, const char* type_name) {
  if (std::isnan(value) || std::isinf(value)) {
    throw Error(ErrorCode::FailedEncoding,
                std::string("json: unsupported value: ") + (std::isnan(value) ? "NaN" : "+Inf") + " (" + type_name + ")");
  }
  Float magnitude = std::fabs(value);
  bool exponent = magnitude != 0 && (magnitude < Float(1e-6) || magnitude >= Float(1e21));
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value,
                                 exponent ? std::chars_format::scientific : std::chars_format::fixed);
  std::string out(buffer, end);
  if (exponent) {
    // to_chars writes at least two exponent digits, as Go's 'e' does; Go's JSON
    // encoder then drops a leading zero from negative exponents only.
    std::size_t n = out.size();
    if (n >= 4 && out[n - 4] == 'e' && out[n - 3] == '-' && out[n - 2] == '0') out.erase(n - 2, 1);
  }
  return out;
}

class Writer {
 public:
  explicit Writer(int indent) : indent_(indent) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  void key(std::string_view name) {
    separator();
    out_ += go_quote(name);
    out_ += indent_ > 0 ? ": " : ":";
    after_key_ = true;
  }
  void string(std::string_view v) { value(go_quote(v)); }
  void integer(long long v) { value(std::to_string(v)); }
  void boolean(bool v) { value(v ? "true" : "false"); }
  void null() { value("null"); }
  void float64(double v) { value(go_format_float64(v)); }
  void float32(float v) { value(go_format_float32(v)); }

  std::string take() { return std::move(out_); }

 private:
  void value(const std::string& text) {
    separator();
    out_ += text;
  }
  void open(char c) {
    separator();
    out_ += c;
    first_.push_back(true);
  }
  void close(char c) {
    bool empty = first_.back();
    first_.pop_back();
    if (!empty) newline();
    out_ += c;
  }
  // Before any value or key: a comma if it is not the first in its container,
  // then a newline and indentation (nothing after a key).
  void separator() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) out_ += ',';
    first_.back() = false;
    newline();
  }
  void newline() {
    if (indent_ <= 0) return;
    out_ += '\n';
    out_.append(first_.size() * static_cast<std::size_t>(indent_), ' ');
  }

  int indent_;
  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

void write_names(Writer& w, const std::vector<std::string>& names) {
  w.begin_array();
  for (const auto& n : names) w.string(n);
  w.end_array();
}

void write_hop(Writer& w, const Hop& hop) {
  w.begin_object();
  w.key("ttl");
  w.integer(hop.ttl);
  w.key("ip_address");
  w.string(hop.ip_address);
  w.key("rtt");
  w.float64(hop.rtt_ms);
  w.key("reachable");
  w.boolean(hop.reachable);
  if (!hop.reverse_dns.empty()) {
    w.key("reverse_dns");
    write_names(w, hop.reverse_dns);
  }
  w.end_object();
}

void write_run(Writer& w, const Run& run) {
  w.begin_object();
  w.key("run_id");
  w.string(run.run_id);
  w.key("source");
  w.begin_object();
  w.key("ip_address");
  w.string(run.source.ip_address);
  w.key("port");
  w.integer(run.source.port);
  w.end_object();
  w.key("destination");
  w.begin_object();
  w.key("ip_address");
  w.string(run.destination.ip_address);
  w.key("port");
  w.integer(run.destination.port);
  if (!run.destination.reverse_dns.empty()) {
    w.key("reverse_dns");
    write_names(w, run.destination.reverse_dns);
  }
  w.end_object();
  w.key("hops");
  w.begin_array();
  for (const Hop& hop : run.hops) write_hop(w, hop);
  w.end_array();
  w.end_object();
}

}  // namespace

std::string go_format_float64(double value) { return format_float(value, "float64"); }
std::string go_format_float32(float value) { return format_float(value, "float32"); }

std::string go_quote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '<':
        case '>':
        case '&':
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    // Multi-byte UTF-8: copy valid sequences, \ufffd for each invalid byte,
    // escape U+2028/U+2029 (as Go does for JSONP safety).
    std::size_t length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
    bool valid = length > 0 && c < 0xf5 && i + length <= text.size();
    std::uint32_t cp = 0;
    if (valid) {
      cp = c & (0xff >> (length + 1));
      for (std::size_t k = 1; k < length; ++k) {
        auto cc = static_cast<unsigned char>(text[i + k]);
        if ((cc & 0xc0) != 0x80) {
          valid = false;
          break;
        }
        cp = (cp << 6) | (cc & 0x3f);
      }
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (valid && (cp < kMin[length] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) valid = false;
    if (!valid) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (cp == 0x2028 || cp == 0x2029) {
      out += cp == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  out += '"';
  return out;
}

std::string to_go_json(const Results& r, int indent) {
  Writer w(indent);
  w.begin_object();
  w.key("test_run_id");
  w.string(r.test_run_id);
  w.key("protocol");
  w.string(r.protocol);
  w.key("source");
  w.begin_object();
  w.key("public_ip");
  w.string(r.source_public_ip);
  w.end_object();
  w.key("destination");
  w.begin_object();
  w.key("hostname");
  w.string(r.destination_hostname);
  w.key("port");
  w.integer(r.destination_port);
  w.end_object();
  w.key("traceroute");
  w.begin_object();
  w.key("runs");
  if (r.runs) {
    w.begin_array();
    for (const Run& run : *r.runs) write_run(w, run);
    w.end_array();
  } else {
    w.null();
  }
  w.key("hop_count");
  w.begin_object();
  w.key("avg");
  w.float64(r.hop_count.avg);
  w.key("min");
  w.integer(r.hop_count.min);
  w.key("max");
  w.integer(r.hop_count.max);
  w.end_object();
  w.end_object();
  w.key("e2e_probe");
  w.begin_object();
  w.key("rtts");
  if (r.e2e_probe.rtts) {
    w.begin_array();
    for (double v : *r.e2e_probe.rtts) w.float64(v);
    w.end_array();
  } else {
    w.null();
  }
  w.key("packets_sent");
  w.integer(r.e2e_probe.packets_sent);
  w.key("packets_received");
  w.integer(r.e2e_probe.packets_received);
  w.key("packet_loss_percentage");
  w.float32(r.e2e_probe.packet_loss_percentage);
  w.key("jitter");
  w.float64(r.e2e_probe.jitter);
  w.key("rtt");
  w.begin_object();
  w.key("avg");
  w.float64(r.e2e_probe.rtt.avg);
  w.key("min");
  w.float64(r.e2e_probe.rtt.min);
  w.key("max");
  w.float64(r.e2e_probe.rtt.max);
  w.end_object();
  w.end_object();
  w.end_object();
  return w.take();
}

}  // namespace ddtr
