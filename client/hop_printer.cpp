#include "client/hop_printer.hpp"

namespace ddtr::client {

kj::Promise<void> HopPrinter::onHop(OnHopContext context) {
  if (out_ == nullptr) return kj::READY_NOW;
  auto event = context.getParams().getEvent();
  const char* address = event.getIpAddress().size() > 0 ? event.getIpAddress().cStr() : "*";
  if (event.getKind() == wire::HopEvent::Kind::E2E_PROBE) {
    if (event.getIsDestination()) {
      std::fprintf(out_, "e2e probe %3u  %-39s %9.3f ms\n", event.getIndex() + 1, address, event.getRttMs());
    } else {
      std::fprintf(out_, "e2e probe %3u  lost\n", event.getIndex() + 1);
    }
  } else if (event.getIpAddress().size() > 0) {
    std::fprintf(out_, "run %u  ttl %3u  %-39s %9.3f ms%s\n", event.getIndex() + 1, event.getTtl(), address,
                 event.getRttMs(), event.getIsDestination() ? "  (destination)" : "");
  } else {
    std::fprintf(out_, "run %u  ttl %3u  *\n", event.getIndex() + 1, event.getTtl());
  }
  std::fflush(out_);
  return kj::READY_NOW;
}

}  // namespace ddtr::client
