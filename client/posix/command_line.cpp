#include "client/command_line.hpp"

namespace ddtr::client {

std::vector<std::string> command_line_arguments(int argc, char** argv) {
  if (argc < 1) return {};
  return std::vector<std::string>(argv + 1, argv + argc);
}

}  // namespace ddtr::client
