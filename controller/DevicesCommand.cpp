#include "controller/DevicesCommand.hpp"

#include "audio/OutputDevice.hpp"

#include <cstdio>
#include <ostream>

namespace stillroom::controller {

int run_devices(std::ostream& out, std::ostream& err) {
  std::string error;
  const auto devices = audio::list_output_devices(error);
  if (!error.empty()) {
    err << "stillroom devices: " << error << '\n';
    return 1;
  }
  if (devices.empty()) {
    out << "no sound outputs (a room without a sound card plays to the null output: audio.output: null)\n";
    return 0;
  }
  char line[512];
  std::snprintf(line, sizeof line, "%-3s %-40s %-12s %-4s %-26s %s\n", "", "name", "host api", "ch", "rates",
                "latency low/high");
  out << line;
  for (const auto& d : devices) {
    std::string rates;
    for (const int r : d.rates) {
      if (!rates.empty()) rates += ',';
      rates += std::to_string(r);
    }
    std::snprintf(line, sizeof line, "%-3s %-40s %-12s %-4d %-26s %.1f/%.1f ms\n", d.is_default ? "*" : "",
                  d.name.c_str(), d.host_api.c_str(), d.max_channels, rates.c_str(), d.default_low_latency_ms,
                  d.default_high_latency_ms);
    out << line;
  }
  return 0;
}

}  // namespace stillroom::controller
