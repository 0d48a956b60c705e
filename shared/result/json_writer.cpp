#include "shared/result/json_writer.hpp"

#include "shared/result/go_json.hpp"

namespace ddtr::json_detail {

void GoJsonWriter::key(std::string_view name) {
  separator();
  out_ += go_quote(name);
  out_ += indent_ > 0 ? ": " : ":";  // Indent adds one space after the colon
  after_key_ = true;
}

void GoJsonWriter::string(std::string_view text) { raw_value(go_quote(text)); }
void GoJsonWriter::integer(long long value) { raw_value(std::to_string(value)); }
void GoJsonWriter::boolean(bool value) { raw_value(value ? "true" : "false"); }
void GoJsonWriter::null() { raw_value("null"); }
void GoJsonWriter::float64(double value) { raw_value(go_format_float64(value)); }
void GoJsonWriter::float32(float value) { raw_value(go_format_float32(value)); }

void GoJsonWriter::raw_value(std::string_view text) {
  separator();
  out_ += text;
}

void GoJsonWriter::open(char bracket) {
  separator();
  out_ += bracket;
  empty_.push_back(true);
}

void GoJsonWriter::close(char bracket) {
  const bool was_empty = empty_.back();
  empty_.pop_back();
  if (!was_empty) newline();  // the closing bracket goes at the outer level
  out_ += bracket;
}

// Before a key or a value: nothing right after a key; otherwise a comma unless
// it is the first element, then a newline at the current depth.
void GoJsonWriter::separator() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (empty_.empty()) return;  // the document's root value
  if (!empty_.back()) out_ += ',';
  empty_.back() = false;
  newline();
}

void GoJsonWriter::newline() {
  if (indent_ == 0) return;
  out_ += '\n';
  out_.append(empty_.size() * indent_, ' ');
}

}  // namespace ddtr::json_detail
