// Private to shared/result: a streaming JSON writer that lays tokens out the
// way Go's json.MarshalIndent(v, "", indent) does (or json.Marshal when the
// indent is 0). Values are written already formatted (go_quote, go_format_*).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ddtr::json_detail {

class GoJsonWriter {
 public:
  explicit GoJsonWriter(int indent) : indent_(indent > 0 ? static_cast<std::size_t>(indent) : 0) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  void key(std::string_view name);
  void string(std::string_view text);
  void integer(long long value);
  void boolean(bool value);
  void null();
  void float64(double value);
  void float32(float value);

  std::string take() { return std::move(out_); }

 private:
  void raw_value(std::string_view text);
  void open(char bracket);
  void close(char bracket);
  void separator();
  void newline();

  std::size_t indent_;
  std::string out_;
  // One entry per open container: true while it is still empty, so that
  // "[]" and "{}" stay on one line as in Go's Indent.
  std::vector<bool> empty_;
  bool after_key_ = false;
};

}  // namespace ddtr::json_detail
