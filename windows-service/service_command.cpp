#include "windows-service/service_command.hpp"

#include <charconv>

#include "platform/windows/driver/driver_version.hpp"
#include "shared/common/error.hpp"
#include "shared/common/version.hpp"

namespace ddtr::winservice {
namespace {

constexpr const char* kUsage =
    "Usage: datadog-tracerouted COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  install      register the service with the SCM (automatic start, LocalSystem)\n"
    "  uninstall    stop and remove the service\n"
    "  run          run as the service (what the SCM starts)\n"
    "  foreground   run on this console until Ctrl-C\n"
    "  check-config validate the policy file (--config) and exit; also spelled --check-config\n"
    "  configure    what the MSI runs once the service is registered: its recovery (restart on failure),\n"
    "               %ProgramData%\\Datadog\\traceroute for SYSTEM and Administrators only, this\n"
    "               program's directory on the system PATH\n"
    "  unconfigure  what the MSI runs before removing the program: its directory off the system PATH\n"
    "  reload       make the daemon serving --pipe reload its policy file (as SIGHUP on Unix;\n"
    "               the service also reloads on 'sc control datadog-tracerouted paramchange')\n"
    "\n"
    "Options (install, run, foreground; reload takes --pipe only):\n"
    "  --pipe NAME                   named pipe to serve (default \\\\.\\pipe\\datadog-traceroute)\n"
    "  --windows-driver              start the Datadog network driver (ddnpm) at start-up\n"
    "  --windows-driver-version N    DD_NPMDRIVER_VERSION of the installed driver: 0x18 (default) or 0x16\n"
    "  --log-file PATH               log file (default %ProgramData%\\datadog-traceroute\\daemon.log)\n"
    "  --log-level LEVEL             trace, debug, info, warn or error (default info)\n"
    "  --config PATH                 policy file (default %ProgramData%\\Datadog\\traceroute\\daemon.json)\n"
    "  --public-ip-url URL           where --source-public-ip asks (repeatable; default upstream's checkers)\n"
    "  --http-listen ADDR:PORT       serve the HTTP API there (e.g. 127.0.0.1:3765); off unless this or the\n"
    "                                policy's http.enabled. A non-loopback address needs http.tokens\n"
    "  --version, --help\n";

ServiceCommand usage_error(const std::string& message) {
  ServiceCommand c;
  c.output = "Error: " + message + "\nRun 'datadog-tracerouted --help' for usage.\n";
  c.exit_code = 2;
  return c;
}

std::optional<std::uint64_t> parse_number(const std::string& text) {
  std::uint64_t value = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    begin += 2;
    base = 16;
  }
  auto [ptr, ec] = std::from_chars(begin, end, value, base);
  if (ec != std::errc() || ptr != end || begin == end) return std::nullopt;
  return value;
}

std::string hex(std::uint64_t value) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), digits[value & 0xF]);
    value >>= 4;
  } while (value != 0);
  return "0x" + out;
}

}  // namespace

ServiceCommand parse_service_command(const std::vector<std::string>& args) {
  ServiceCommand c;
  if (args.empty()) return usage_error("a command is required: install, uninstall, run or foreground");
  const std::string& first = args[0];
  if (first == "--help" || first == "-h" || first == "help") {
    c.output = kUsage;
    return c;
  }
  if (first == "--version") {
    c.output = std::string("datadog-tracerouted ") + kVersion + "\n";
    return c;
  }
  if (first == "install") c.action = Action::Install;
  else if (first == "uninstall") c.action = Action::Uninstall;
  else if (first == "run") c.action = Action::Run;
  else if (first == "foreground") c.action = Action::Foreground;
  else if (first == "check-config" || first == "--check-config") c.action = Action::CheckConfig;
  else if (first == "configure") c.action = Action::Configure;
  else if (first == "unconfigure") c.action = Action::Unconfigure;
  else if (first == "reload") c.action = Action::Reload;
  else return usage_error("unknown command \"" + first + "\"");

  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* name) -> std::optional<std::string> {
      if (i + 1 >= args.size()) return std::nullopt;
      (void)name;
      return args[++i];
    };
    if (*c.action == Action::Uninstall || *c.action == Action::Configure || *c.action == Action::Unconfigure) {
      return usage_error(first + " takes no options (got \"" + a + "\")");
    }
    if (*c.action == Action::CheckConfig && a != "--config") {
      return usage_error("check-config takes only --config (got \"" + a + "\")");
    }
    if (*c.action == Action::Reload && a != "--pipe") {
      return usage_error("reload takes only --pipe (got \"" + a + "\")");
    }
    if (a == "--windows-driver") {
      c.options.windows_driver = true;
    } else if (a == "--pipe" || a == "--windows-driver-version" || a == "--log-file" || a == "--log-level" ||
               a == "--config" || a == "--public-ip-url" || a == "--http-listen") {
      auto v = value(a.c_str());
      if (!v) return usage_error(a + " needs a value");
      if (a == "--pipe") {
        if (v->rfind("\\\\.\\pipe\\", 0) != 0) return usage_error("--pipe must be a local pipe name (\\\\.\\pipe\\NAME)");
        c.options.pipe_name = *v;
      } else if (a == "--windows-driver-version") {
        auto n = parse_number(*v);
        if (!n || *n == 0 || *n > 0xFFFFFFFF) return usage_error("--windows-driver-version: not a version: " + *v);
        // Only a version whose record layout this build knows (0x16, 0x18).
        try {
          (void)platform::windows::driver::driver_layout(*n);
        } catch (const Error& e) {
          return usage_error(std::string("--windows-driver-version: ") + e.what());
        }
        c.options.driver_version = *n;
      } else if (a == "--log-file") {
        c.options.log_file = *v;
      } else if (a == "--log-level") {
        if (*v != "trace" && *v != "debug" && *v != "info" && *v != "warn" && *v != "error") {
          return usage_error("--log-level must be trace, debug, info, warn or error");
        }
        c.options.log_level = *v;
      } else if (a == "--public-ip-url") {
        if (v->rfind("http://", 0) != 0 && v->rfind("https://", 0) != 0) {
          return usage_error("--public-ip-url must be an http:// or https:// URL");
        }
        c.options.public_ip_urls.push_back(*v);
      } else if (a == "--http-listen") {
        // The address is parsed (and judged against the policy) when the daemon starts, as on Unix.
        if (v->empty()) return usage_error("--http-listen needs ADDR:PORT");
        c.options.http_listen = *v;
      } else {
        c.options.config_path = *v;
      }
    } else {
      return usage_error("unknown option \"" + a + "\"");
    }
  }
  return c;
}

std::string quote_argument(const std::string& arg) {
  if (!arg.empty() && arg.find_first_of(" \t\n\v\"") == std::string::npos) return arg;
  // Backslashes count only before a quote: double those, escape the quote.
  std::string out = "\"";
  std::size_t backslashes = 0;
  for (char ch : arg) {
    if (ch == '\\') {
      ++backslashes;
    } else if (ch == '"') {
      out.append(backslashes * 2 + 1, '\\');
      out += '"';
      backslashes = 0;
    } else {
      out.append(backslashes, '\\');
      out += ch;
      backslashes = 0;
    }
  }
  out.append(backslashes * 2, '\\');
  out += '"';
  return out;
}

std::string service_command_line(const std::string& exe, const RunOptions& options) {
  RunOptions defaults;
  std::string line = quote_argument(exe) + " run";
  auto add = [&](const char* name, const std::string& value) {
    line += " ";
    line += name;
    line += " ";
    line += quote_argument(value);
  };
  if (options.pipe_name != defaults.pipe_name) add("--pipe", options.pipe_name);
  if (options.windows_driver) line += " --windows-driver";
  if (options.driver_version != defaults.driver_version) add("--windows-driver-version", hex(options.driver_version));
  if (!options.log_file.empty()) add("--log-file", options.log_file);
  if (options.log_level != defaults.log_level) add("--log-level", options.log_level);
  if (!options.config_path.empty()) add("--config", options.config_path);
  for (const auto& url : options.public_ip_urls) add("--public-ip-url", url);
  if (!options.http_listen.empty()) add("--http-listen", options.http_listen);
  return line;
}

}  // namespace ddtr::winservice
