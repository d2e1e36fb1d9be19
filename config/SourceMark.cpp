#include "config/SourceMark.hpp"

namespace stillroom::config {

std::string SourceMark::str() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace stillroom::config
