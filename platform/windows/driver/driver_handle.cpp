#include "platform/windows/driver/driver_handle.hpp"

#include <winioctl.h>

#include <string>

#include "platform/windows/common/win_error.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform::windows::driver {

// driver_api.hpp restates these without <winioctl.h>; the Windows build checks them.
static_assert(kSetDataFilterIoctl == CTL_CODE(FILE_DEVICE_NETWORK, 0x803, METHOD_BUFFERED, FILE_ANY_ACCESS));
static_assert(kGetStatsIoctl == CTL_CODE(FILE_DEVICE_NETWORK, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS));
static_assert(kAfInet == AF_INET && kAfInet6 == AF_INET6);
static_assert(kProtoIcmp == IPPROTO_ICMP && kProtoTcp == IPPROTO_TCP && kProtoIcmpv6 == IPPROTO_ICMPV6);

const wchar_t* handle_path(HandleType type) {
  switch (type) {
    case HandleType::Data: return kDataHandlePath;
    case HandleType::Flow: return kFlowHandlePath;
    case HandleType::Stats: return kStatsHandlePath;
  }
  throw Error(ErrorCode::Unknown, "unknown Handle type " + std::to_string(static_cast<int>(type)));
}

std::uint32_t synchronous_device_io_control(HANDLE handle, std::uint32_t code, std::span<const std::uint8_t> in,
                                            std::span<std::uint8_t> out) {
  UniqueHandle event(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
  if (!event.valid()) throw_win32("CreateEvent", ::GetLastError());
  OVERLAPPED ol{};
  // The documented way (GetQueuedCompletionStatus remarks) to keep one
  // operation's completion off the port the handle is bound to.
  ol.hEvent = reinterpret_cast<HANDLE>(reinterpret_cast<ULONG_PTR>(event.get()) | 1);
  DWORD at_start = 0;
  BOOL ok = ::DeviceIoControl(handle, code, const_cast<std::uint8_t*>(in.data()), static_cast<DWORD>(in.size()),
                              out.data(), static_cast<DWORD>(out.size()), &at_start, &ol);
  if (!ok) {
    DWORD error = ::GetLastError();
    if (error != ERROR_IO_PENDING) throw Error(ErrorCode::Unknown, system_message(error));
    if (::WaitForSingleObject(event.get(), INFINITE) != WAIT_OBJECT_0) {
      throw Error(ErrorCode::Unknown, system_message(::GetLastError()));
    }
  }
  // The count from completion, kept apart from the one given at initiation.
  DWORD completed = 0;
  if (!::GetOverlappedResult(handle, &ol, &completed, FALSE)) {
    throw Error(ErrorCode::Unknown, system_message(::GetLastError()));
  }
  (void)at_start;
  return completed;
}

}  // namespace ddtr::platform::windows::driver
