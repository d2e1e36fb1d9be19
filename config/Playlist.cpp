#include "config/Playlist.hpp"

#include <filesystem>

namespace stillroom::config {

std::string Entry::label() const {
  if (kind == Kind::Silence) return "silence " + format_duration(silence);
  if (!title.empty()) return artist.empty() ? title : title + " — " + artist;
  return std::filesystem::path(file).filename().string();
}

const PhaseMusic* Playlist::music_for(const std::string& phase_name) const noexcept {
  for (const auto& p : phases)
    if (p.phase == phase_name) return &p;
  return nullptr;
}

}  // namespace stillroom::config
