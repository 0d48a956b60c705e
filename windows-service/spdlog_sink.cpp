#include "windows-service/spdlog_sink.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>

namespace ddtr::winservice {
namespace {

class Sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit Sink(ServiceLog& log) : log_(log) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string line(msg.payload.data(), msg.payload.size());
    switch (msg.level) {
      case spdlog::level::trace:
      case spdlog::level::debug: log_.debug(line); break;
      case spdlog::level::info: log_.info(line); break;
      case spdlog::level::warn: log_.warn(line); break;
      default: log_.error(line); break;
    }
  }
  void flush_() override {}

 private:
  ServiceLog& log_;
};

}  // namespace

SpdlogToServiceLog::SpdlogToServiceLog(ServiceLog& log, const std::string& level) {
  auto logger = std::make_shared<spdlog::logger>("datadog-tracerouted", std::make_shared<Sink>(log));
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

SpdlogToServiceLog::~SpdlogToServiceLog() {
  // Back to a logger that needs nothing of ours: the ServiceLog may go next.
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("datadog-tracerouted"));
}

}  // namespace ddtr::winservice
