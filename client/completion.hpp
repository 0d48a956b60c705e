// `datadog-traceroute completion bash|zsh|fish|powershell`: the shell scripts
// cobra gives the Go tool, generated from the client's own flag table so they
// never drift from --help. Each completes flags, the values of --proto,
// --tcp-method and --format, files for --targets-file/--socket, and the
// subcommands. The .deb installs the bash, zsh and fish ones.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ddtr::client {

struct CompletionFlag {
  std::string name;      // long name, without "--"
  char shorthand = 0;    // 0: none
  bool takes_value = false;
  std::string help;
};

inline constexpr const char* kCompletionShells[] = {"bash", "zsh", "fish", "powershell"};

// nullopt for a shell not in kCompletionShells.
std::optional<std::string> completion_script(std::string_view shell, const std::vector<CompletionFlag>& flags);

// `completion` without a shell: what cobra prints there, in short.
std::string completion_usage();

}  // namespace ddtr::client
