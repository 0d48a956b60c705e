// A macOS /dev/bpf device opened, bound to one interface and ready to read.
// The ioctls live here and nowhere else. macOS only (CMake: if(APPLE)).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "platform/darwin/bpf_programs.hpp"
#include "platform/darwin/link_layer.hpp"
#include "platform/posix/unique_fd.hpp"

namespace ddtr::platform::darwin {

// Asked of BIOCSBLEN. The macOS default is 4096 bytes (bsd/net/bpf.c
// BPF_BUFSIZE), a dozen ICMP replies; with immediate mode a read usually
// takes one packet, so the buffer only matters for bursts, and 64 KiB holds
// hundreds of replies for 128 KiB of kernel memory (store + hold buffers).
inline constexpr std::uint32_t kBpfBufferRequest = 64 * 1024;

struct BpfDevice {
  UniqueFd fd;             // O_RDONLY | O_NONBLOCK | O_CLOEXEC
  std::string path;        // /dev/bpfN, for messages
  std::string interface;   // what BIOCSETIF bound it to
  LinkType link = LinkType::Ethernet;
  std::size_t buffer_size = 0;  // BIOCGBLEN: read(2) must ask for exactly this many bytes
};

// The first free /dev/bpf0../dev/bpf255 (EBUSY means in use: try the next),
// BIOCSBLEN, BIOCSETIF, BIOCIMMEDIATE, then BIOCGDLT and BIOCGBLEN. Throws
// ddtr::Error (upstream's texts where upstream has them); the fd is closed on
// every failure.
BpfDevice open_bpf_device(const std::string& interface);

// BIOCSETF: replaces the filter and flushes both kernel buffers atomically.
void set_bpf_filter(int fd, const std::vector<BpfInsn>& program);

// One non-blocking read(2) into `buffer` (exactly buffer_size bytes): the
// bytes read, 0 when nothing is queued. Throws ddtr::Error on failure (ENXIO:
// the interface went away).
std::size_t read_bpf_batch(int fd, std::span<std::uint8_t> buffer);

}  // namespace ddtr::platform::darwin
