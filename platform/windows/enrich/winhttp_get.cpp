// enrich::http_get on Windows: WinHTTP instead of Beast and OpenSSL. TLS is
// Schannel's, verified against the Windows trust store with the machine's
// revocation and proxy settings, so the daemon ships no CA bundle and no TLS
// library of its own. WinHTTP calls block, so each request runs on a thread
// of its own, gated by an io_context service so that no thread ever posts
// into a destroyed loop. Deviation: WinHTTP cannot be told to dial IPv4 only,
// as upstream's tcp4 fetcher does (docs/deviations.md). Redirects: WinHTTP
// follows them itself (10 at most, its default, as Go).
#include <windows.h>
#include <winhttp.h>

#include <boost/asio/execution_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "daemon/enrich/publicip/http_get.hpp"
#include "platform/windows/common/utf16.hpp"
#include "platform/windows/common/win_error.hpp"

namespace ddtr::enrich {
namespace {

constexpr std::size_t kBodyLimit = 64 * 1024;

struct InternetHandle {
  HINTERNET h = nullptr;
  InternetHandle() = default;
  explicit InternetHandle(HINTERNET handle) : h(handle) {}
  InternetHandle(const InternetHandle&) = delete;
  InternetHandle& operator=(const InternetHandle&) = delete;
  ~InternetHandle() {
    if (h != nullptr) ::WinHttpCloseHandle(h);
  }
};

Error failure(const std::string& what) {
  DWORD err = ::GetLastError();
  return Error(ErrorCode::Unknown,
               "failed to fetch req: " + what + ": " + platform::windows::system_message(err) + " (" + std::to_string(err) + ")");
}

// The whole GET, blocking; bounded by WinHTTP's own timeouts.
HttpResult fetch(const std::string& url, std::chrono::milliseconds timeout, const ProxySettings& proxies) {
  std::wstring wide = platform::windows::utf16(url);
  URL_COMPONENTS parts{};
  parts.dwStructSize = sizeof parts;
  parts.dwHostNameLength = static_cast<DWORD>(-1);
  parts.dwUrlPathLength = static_cast<DWORD>(-1);
  parts.dwExtraInfoLength = static_cast<DWORD>(-1);
  if (!::WinHttpCrackUrl(wide.c_str(), static_cast<DWORD>(wide.size()), 0, &parts) ||
      (parts.nScheme != INTERNET_SCHEME_HTTP && parts.nScheme != INTERNET_SCHEME_HTTPS)) {
    return Error(ErrorCode::InvalidRequest, "failed to create new request: bad URL " + url);
  }
  std::wstring host(parts.lpszHostName, parts.dwHostNameLength);
  std::wstring path(parts.lpszUrlPath, parts.dwUrlPathLength);
  path.append(parts.lpszExtraInfo, parts.dwExtraInfoLength);
  if (path.empty()) path = L"/";

  // A proxy named by the environment or the policy (enrich/publicip/proxy_rules)
  // wins; otherwise the machine's WinHTTP settings, as before.
  std::optional<ProxyServer> proxy;
  try {
    proxy = proxy_for(proxies, parts.nScheme == INTERNET_SCHEME_HTTPS ? "https" : "http", platform::windows::utf8(host),
                      std::to_string(parts.nPort));
  } catch (const Error& e) {
    return Error(e.code(), std::string("failed to fetch req: ") + e.what());
  }
  InternetHandle session;
  if (proxy) {
    std::wstring name = platform::windows::utf16(proxy->host + ":" + proxy->port);
    session.h = ::WinHttpOpen(L"datadog-traceroute", WINHTTP_ACCESS_TYPE_NAMED_PROXY, name.c_str(), WINHTTP_NO_PROXY_BYPASS, 0);
  } else {
    session.h = ::WinHttpOpen(L"datadog-traceroute", WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY, WINHTTP_NO_PROXY_NAME,
                              WINHTTP_NO_PROXY_BYPASS, 0);
  }
  if (session.h == nullptr && !proxy) {
    // Windows before 8.1 has no automatic proxy; the default one then.
    session.h = ::WinHttpOpen(L"datadog-traceroute", WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, WINHTTP_NO_PROXY_NAME,
                              WINHTTP_NO_PROXY_BYPASS, 0);
  }
  if (session.h == nullptr) return failure("WinHttpOpen");
  int ms = static_cast<int>(timeout.count());
  ::WinHttpSetTimeouts(session.h, ms, ms, ms, ms);
  InternetHandle connection(::WinHttpConnect(session.h, host.c_str(), parts.nPort, 0));
  if (connection.h == nullptr) return failure("connect " + platform::windows::utf8(host));
  DWORD flags = parts.nScheme == INTERNET_SCHEME_HTTPS ? WINHTTP_FLAG_SECURE : 0;
  InternetHandle request(::WinHttpOpenRequest(connection.h, L"GET", path.c_str(), nullptr, WINHTTP_NO_REFERER,
                                              WINHTTP_DEFAULT_ACCEPT_TYPES, flags));
  if (request.h == nullptr) return failure("open request");
  if (!::WinHttpSendRequest(request.h, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0, 0)) {
    return failure("send");
  }
  if (!::WinHttpReceiveResponse(request.h, nullptr)) return failure("failed to read content");
  DWORD status = 0;
  DWORD size = sizeof status;
  if (!::WinHttpQueryHeaders(request.h, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, WINHTTP_HEADER_NAME_BY_INDEX,
                             &status, &size, WINHTTP_NO_HEADER_INDEX)) {
    return failure("status");
  }
  HttpResponse response;
  response.status = static_cast<int>(status);
  wchar_t reason[128];
  DWORD reason_size = sizeof reason;
  if (::WinHttpQueryHeaders(request.h, WINHTTP_QUERY_STATUS_TEXT, WINHTTP_HEADER_NAME_BY_INDEX, reason, &reason_size,
                            WINHTTP_NO_HEADER_INDEX)) {
    response.reason = platform::windows::utf8(std::wstring_view(reason, reason_size / sizeof(wchar_t)));
  }
  char buffer[4096];
  for (;;) {
    DWORD got = 0;
    if (!::WinHttpReadData(request.h, buffer, sizeof buffer, &got)) return failure("failed to read content");
    if (got == 0) break;
    if (response.body.size() + got > kBodyLimit) {
      return Error(ErrorCode::Unknown, "failed to fetch req: failed to read content: body limit exceeded");
    }
    response.body.append(buffer, got);
  }
  return response;
}

// Runs the blocking requests of one io_context on threads of their own. The
// threads are detached: WinHTTP's timeouts end them, and cancelling a
// blocking call from another thread is not something every WinHTTP honours
// (wine's does not). They reach the loop only through `gate`, which the
// service closes when the io_context shuts down, so none ever posts into a
// destroyed loop, and they hold nothing of the loop's.
class WinHttpService : public boost::asio::execution_context::service {
 public:
  using key_type = WinHttpService;
  static inline boost::asio::execution_context::id id;

  explicit WinHttpService(boost::asio::execution_context& owner) : service(owner) {}

  void start(boost::asio::io_context& io, std::string url, std::chrono::milliseconds timeout, ProxySettings proxy,
             std::function<void(HttpResult)> deliver) {
    std::thread([gate = gate_, &io, url = std::move(url), timeout, proxy = std::move(proxy), deliver = std::move(deliver)]() mutable {
      HttpResult result = fetch(url, timeout, proxy);
      std::lock_guard lock(gate->mutex);
      if (!gate->closed) boost::asio::post(io, [deliver = std::move(deliver), result = std::move(result)]() mutable {
        deliver(std::move(result));
      });
    }).detach();
  }

 private:
  struct Gate {
    std::mutex mutex;
    bool closed = false;
  };

  void shutdown() override {
    std::lock_guard lock(gate_->mutex);
    gate_->closed = true;
  }

  std::shared_ptr<Gate> gate_ = std::make_shared<Gate>();
};

}  // namespace

void http_get(boost::asio::io_context& io, const std::string& url, std::chrono::milliseconds timeout,
              std::function<void(HttpResult)> done, const HttpGetOptions& options) {
  // The caller's deadline is exact: a timer answers if WinHTTP is slower
  // (its timeouts are per phase), and the late answer is dropped.
  struct Once {
    std::function<void(HttpResult)> done;
    boost::asio::steady_timer timer;
    Once(boost::asio::io_context& io, std::function<void(HttpResult)> d) : done(std::move(d)), timer(io) {}
    void answer(HttpResult result) {
      if (!done) return;
      auto d = std::move(done);
      done = nullptr;
      timer.cancel();
      d(std::move(result));
    }
  };
  auto once = std::make_shared<Once>(io, std::move(done));
  once->timer.expires_after(timeout);
  once->timer.async_wait([once](const boost::system::error_code& ec) {
    if (!ec) once->answer(Error(ErrorCode::Timeout, "failed to fetch req: context deadline exceeded"));
  });
  // The thread holds the request weakly: the loop owns it (its timer), and
  // it must never be destroyed on another thread.
  std::weak_ptr<Once> weak = once;
  boost::asio::use_service<WinHttpService>(io).start(io, url, timeout, options.proxy, [weak](HttpResult result) {
    if (auto once = weak.lock()) once->answer(std::move(result));
  });
}

}  // namespace ddtr::enrich
