// MonitoringCsv: the monitoring form as CSV — one row per client of a session
// (a single-client session is one row; a group gives one row per member),
// columns in the order of the form: the dose with lot and who gave it, vitals
// before the dose, at about 40 minutes and before discharge, sedation,
// dissociation and breathing, monitored minutes, ready to leave, discharge and
// the signature. RFC 4180 quoting, CRLF. Pure; any thread. Fields: docs/record.md.
#pragma once

#include "report/SessionSummary.hpp"

#include <string>
#include <vector>

namespace stillroom::report {

/** The header, in order. */
[[nodiscard]] const std::vector<std::string>& monitoring_columns();

/** The header and a row per client of each summary. */
[[nodiscard]] std::string monitoring_csv(const std::vector<Summary>& summaries);

}  // namespace stillroom::report
