#include "daemon/daemon_options.hpp"

#include <CLI/CLI.hpp>
#include <sstream>

#include "daemon/policy/policy_config.hpp"
#include "shared/common/error.hpp"
#include "shared/common/version.hpp"

namespace ddtr::daemon {

std::optional<std::chrono::milliseconds> parse_send_delay(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && digits < 6 && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return std::nullopt;
  long value = std::stol(text.substr(0, digits));
  std::string unit = text.substr(digits);
  if (unit == "s") {
    value *= 1000;
  } else if (unit != "ms" && !unit.empty()) {
    return std::nullopt;
  }
  // The same bound the daemon puts on a request's delay.
  if (value > 10'000) return std::nullopt;
  return std::chrono::milliseconds(value);
}

DaemonCommand parse_daemon_options(int argc, char** argv) {
  DaemonOptions options;
  std::string send_delay;
  bool no_adaptive_wait = false;
  std::string dns_timeout = "5s";
  bool version = false;
  bool check_config = false;
  CLI::App app{"datadog-tracerouted: the privileged traceroute daemon. It alone opens raw and packet sockets;\n"
               "unprivileged users trace through it with datadog-traceroute.",
               "datadog-tracerouted"};
  app.add_flag("--foreground", options.foreground,
               "Run attached to the terminal (tests, containers); logs are timestamped and coloured on a TTY");
  app.add_option("--socket", options.socket_path, "Unix socket to listen on")->capture_default_str();
  app.add_option("--log-level", options.log_level, "Log level")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  app.add_option("--public-ip-url", options.public_ip_urls,
                 "Where --source-public-ip asks for the public address (repeatable, tried in order; "
                 "default: upstream's five checkers)")
      ->check([](const std::string& url) {
        return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0 ? std::string()
                                                                             : std::string("must be an http:// or https:// URL");
      });
  options.config_path = policy::kDefaultConfigPath;
  auto* config = app.add_option("--config", options.config_path,
                                "Policy file (JSON): who may trace what, bounds, quotas, destinations, audit log. "
                                "A missing default file means the built-in defaults")
                     ->capture_default_str();
  app.add_option("--http-listen", options.http_listen,
                 "Serve the Go server's HTTP API on ADDR:PORT (e.g. 127.0.0.1:3765); off unless this or the "
                 "config's http.enabled. A non-loopback address needs http.tokens")
      ->check([](const std::string& text) {
        try {
          policy::parse_listen_address(text);
          return std::string();
        } catch (const Error& e) {
          return std::string(e.what());
        }
      });
  app.add_option("--metrics-listen", options.metrics_listen,
                 "Serve Prometheus metrics (GET /metrics) alone on ADDR:PORT (e.g. 127.0.0.1:9765), for operators "
                 "who keep the trace API off; the API's listener serves /metrics too. A non-loopback address needs "
                 "http.tokens, as the API's")
      ->check([](const std::string& text) {
        try {
          policy::parse_listen_address(text);
          return std::string();
        } catch (const Error& e) {
          return std::string(e.what());
        }
      });
  app.add_flag("--per-trace-capture", options.per_trace_capture,
               "Give every ICMP/UDP/TCP SYN run its own packet capture and raw socket instead of the shared "
               "capture routed by probe identity (for comparison and troubleshooting)");
  app.add_option("--send-delay", send_delay,
                 "Upstream's fixed pacing instead of the window: this pause between the TTLs of a run (ICMP, UDP, "
                 "TCP SYN; SACK keeps its 10ms), e.g. 50ms (upstream's SendDelay). Given, it wins over --window. "
                 "It overrides the request's delay. DURATION: 0..10s, e.g. 0, 20ms, 1s")
      ->check([](const std::string& text) {
        return parse_send_delay(text) ? std::string() : std::string("must be a duration 0..10s such as 0, 20ms, 1s");
      })
      ->type_name("DURATION");
  app.add_option("--window", options.window,
                 "Probes of one run in flight at once (the default pacing): the next TTL leaves as soon as one "
                 "answers or is given up on, as traceroute -N")
      ->check(CLI::Range(1, 255))
      ->type_name("N")
      ->capture_default_str();
  app.add_option("--max-in-flight", options.max_in_flight,
                 "Probes in flight daemon-wide, every run together (0: no cap); at the cap the lowest TTL of "
                 "any waiting run leaves first, so many traces at once do not send TTLs past their destinations")
      ->check(CLI::Range(0, 1000000))
      ->type_name("N")
      ->capture_default_str();
  // The duration syntax of --send-delay; at least 100 ms, so c-ares gets a try.
  auto valid_dns_timeout = [](const std::string& text) {
    auto value = parse_send_delay(text);
    return value && *value >= std::chrono::milliseconds(100);
  };
  app.add_option("--dns-timeout", dns_timeout,
                 "Deadline of each target name lookup (c-ares on the engine's loop; its retries fit inside): a "
                 "trace whose name gets no answer by then fails with code DNS. DURATION: 100ms..10s")
      ->check([valid_dns_timeout](const std::string& text) {
        return valid_dns_timeout(text) ? std::string() : std::string("must be a duration 100ms..10s such as 2s, 500ms");
      })
      ->type_name("DURATION")
      ->capture_default_str();
  app.add_flag("--no-adaptive-wait", no_adaptive_wait,
               "Wait the whole --timeout for every silent hop (upstream), instead of at most max(10 x the RTT of "
               "a higher hop that answered, 500ms)");
  std::string user;
  auto* user_option =
      app.add_option("--user", user,
                     "Started as root: once its sockets and files are open, keep CAP_NET_RAW alone and become this "
                     "user (default: datadog-traceroute when it exists, else stay uid 0; root: stay uid 0)")
          ->type_name("NAME")
          ->check([](const std::string& name) {
            return name.empty() ? std::string("must name a user") : std::string();
          });
  app.add_flag("--check-config", check_config, "Validate the policy file, print the result and exit");
  app.add_flag("--version", version, "Print the version and exit");
  DaemonCommand command;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::ostringstream out, err;
    command.exit_code = app.exit(e, out, err);
    command.output = out.str() + err.str();
    if (command.exit_code != 0) command.exit_code = 2;
    return command;
  }
  if (version) {
    command.output = std::string("datadog-tracerouted ") + kVersion + "\n";
    return command;
  }
  options.config_path_is_default = config->count() == 0;
  if (!send_delay.empty()) options.send_delay = *parse_send_delay(send_delay);
  options.adaptive_wait = !no_adaptive_wait;
  options.dns_timeout = *parse_send_delay(dns_timeout);
  if (user_option->count() > 0) options.user = user;
  if (check_config) {
    try {
      policy::load_policy_config(options.config_path, options.config_path_is_default);
      command.output = options.config_path + ": ok\n";
    } catch (const Error& e) {
      command.output = std::string(e.what()) + "\n";
      command.exit_code = 1;
    }
    return command;
  }
  command.run = options;
  return command;
}

}  // namespace ddtr::daemon
