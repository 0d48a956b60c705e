// http_get where the build has no TLS library: the macOS cross-build links only
// libSystem, which has none that Beast can drive (Secure Transport is a
// framework of its own). Every GET fails with a clear error, posted so that
// `done` still runs on the loop, later, as the real one's does.
#include <boost/asio/post.hpp>

#include "daemon/enrich/publicip/http_get.hpp"

namespace ddtr::enrich {

void http_get(boost::asio::io_context& io, const std::string& url, std::chrono::milliseconds /*timeout*/,
              std::function<void(HttpResult)> done, const HttpGetOptions& /*options*/) {
  boost::asio::post(io, [url, done = std::move(done)]() {
    done(Error(ErrorCode::Unknown, "cannot fetch " + url + ": this build has no HTTPS client (macOS build)"));
  });
}

}  // namespace ddtr::enrich
