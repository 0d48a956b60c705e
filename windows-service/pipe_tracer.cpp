#include "windows-service/pipe_tracer.hpp"

#include "proto/codec.hpp"
#include "shared/common/version.hpp"

namespace ddtr::winservice {

PipeTracer::PipeTracer(policy::Identity who, std::vector<std::string> capabilities)
    : who_(std::move(who)), capabilities_(std::move(capabilities)) {}

kj::Promise<void> PipeTracer::trace(TraceContext context) {
  auto error = context.getResults().initResult().initError();
  error.setCode(proto::to_wire(ErrorCode::Unknown));
  error.setMessage("tracing is not built into the Windows daemon yet: its engine needs c-ares and OpenSSL for mingw");
  return kj::READY_NOW;
}

kj::Promise<void> PipeTracer::info(InfoContext context) {
  auto info = context.getResults().initInfo();
  info.setVersion(kVersion);
  info.setCallerUid(who_.uid);
  info.setCallerGid(who_.gid);
  info.setCallerPid(who_.pid);
  info.initProtocols(0);  // none until the engine is in
  info.setCallerUser(who_.user_name);
  auto groups = info.initCallerGroups(static_cast<unsigned>(who_.group_names.size()));
  for (unsigned i = 0; i < who_.group_names.size(); ++i) groups.set(i, who_.group_names[i]);
  info.setRole("denied");
  info.setRoleRule("the Windows daemon has no policy engine yet");
  auto caps = info.initCapabilities(static_cast<unsigned>(capabilities_.size()));
  for (unsigned i = 0; i < capabilities_.size(); ++i) caps.set(i, capabilities_[i]);
  return kj::READY_NOW;
}

}  // namespace ddtr::winservice
