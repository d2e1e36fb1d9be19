// The commands that prepare a session: preload (checked on a worker thread
// before it is answered) and the doses a clinician enters for its clients.
#include "session/Decide.hpp"
#include "session/SessionChoice.hpp"

#include "playlists/PlayOrder.hpp"

#include <algorithm>
#include <set>

namespace stillroom::session {
namespace {

/** room-1-2026-11-22T09-30-00: readable, sortable, unique per second (and per room). */
std::string session_id(const config::Room& room, const Stamp& now, const std::string& current) {
  std::string id = room.id + "-" + config::format_instant(now.reading.wall).substr(0, 19);
  std::replace(id.begin(), id.end(), ':', '-');
  return id == current ? id + "-2" : id;
}

std::vector<std::string> preload_clients(const Command& c) {
  // The named client first unless the list already has it.
  std::vector<std::string> ids;
  ids.reserve(c.clients.size() + 1);
  if (!c.client.empty() && std::find(c.clients.begin(), c.clients.end(), c.client) == c.clients.end())
    ids.push_back(c.client);
  ids.insert(ids.end(), c.clients.begin(), c.clients.end());
  return ids;
}

}  // namespace

Decision decide_preload(const SessionState& state, const Command& c, const DecideContext& context) {
  if (state.live()) return Decision::refuse("a session is running: stop it before preloading another");
  if (state.status == SessionStatus::Ended || state.status == SessionStatus::Aborted)
    return Decision::refuse("the last session is not cleared yet: send clear first");

  const auto ids = preload_clients(c);
  if (ids.empty()) return Decision::refuse("preload needs a client");
  const auto& library = context.library;
  for (const auto& id : ids)
    if (library.client(id) == nullptr)
      return Decision::refuse("unknown client '" + id + "' (known: " + known_names(library.clients) + ")");

  std::string error;
  const auto choice = choose_session(library, ids.front(), c.protocol.value_or(""), c.playlist.value_or(""),
                                     c.session_number.value_or(0), error);
  if (!choice) return Decision::refuse(error);

  std::set<std::string> dosed;
  for (const auto& d : c.doses) {
    if (std::find(ids.begin(), ids.end(), d.client) == ids.end())
      return Decision::refuse("a dose is entered for '" + d.client + "', who is not among the clients preloaded");
    if (!dosed.insert(d.client).second) return Decision::refuse("two doses are entered for '" + d.client + "'");
    if (auto why = dose_range_refusal(d.amount_mg, choice->protocol->dose, choice->protocol->id, "dose"); !why.empty())
      return Decision::refuse(why);
  }

  Decision d;
  PreloadChecking checking;
  checking.command_id = c.id;
  checking.clients = ids;
  checking.protocol = choice->protocol->id;
  checking.playlist = choice->playlist->id;
  checking.session = session_id(library.room, context.now, state.id);
  d.events.emplace_back(checking);
  // 63 bits: the record stores integers as signed.
  d.preflight = PreflightJob{&library, choice->protocol, choice->playlist, choice->client,
                             plan::stable_hash(checking.session) & 0x7fffffffffffffffULL};
  d.what = "the preload";
  return d;
}

Decision finish_preload(const SessionState& state, const Command& c, const PreflightResult& result,
                        const DecideContext& context) {
  if (!state.checking || state.checking->command_id != c.id) {
    if (state.emergency)
      return Decision::refuse("the preload was cancelled: the emergency light was raised while its music was checked");
    return Decision::refuse("the preload was cancelled before its music was checked");
  }
  Decision d;
  d.events.emplace_back(PreloadDropped{c.id});
  if (!result.problems.empty()) {
    std::string list;
    for (const auto& problem : result.problems) list += (list.empty() ? "" : "; ") + problem;
    d.refusal = Reply::failure("not ready: " + list);
    return d;
  }
  const auto& library = context.library;
  const auto* protocol = library.protocol(state.checking->protocol);
  if (protocol == nullptr) return Decision::refuse("protocol '" + state.checking->protocol + "' is no longer configured");
  if (state.status == SessionStatus::Ready) d.events.emplace_back(Cleared{"replaced by a new preload"});

  SessionPreloaded preloaded;
  preloaded.clients = state.checking->clients;
  preloaded.protocol = protocol->id;
  preloaded.route = protocol->route;
  preloaded.medication = protocol->medication;
  preloaded.playlist = state.checking->playlist;
  if (c.session_number) preloaded.session_number = *c.session_number;
  d.new_session = state.checking->session;
  preloaded.shuffle_seed = static_cast<std::int64_t>(plan::stable_hash(d.new_session) & 0x7fffffffffffffffULL);
  preloaded.volume_db = library.room.audio.default_volume_db;
  for (const auto& [file, length] : result.durations) preloaded.durations_ms[file] = length.count();
  d.events.emplace_back(preloaded);
  for (const auto& dose : c.doses)
    d.events.emplace_back(DoseEntered{dose.client, protocol->medication, protocol->route, dose.amount_mg, "mg", dose.lot});
  d.what = "the preload";
  return d;
}

Decision decide_enter_dose(const SessionState& state, const Command& c, const DecideContext&) {
  if (state.status != SessionStatus::Ready && !state.live())
    return Decision::refuse("a dose is entered for a preloaded or running session (" + in_state(state) + ")");
  std::string error;
  const ClientState* client = client_of(state, c, "enter_dose", error);
  if (client == nullptr) return Decision::refuse(error);
  if (client->dosed_at())
    return Decision::refuse(client->id + " has had their dose: a further dose is a booster");
  if (state.protocol == nullptr) return Decision::refuse("the session's protocol is no longer configured");
  if (auto why = dose_range_refusal(*c.amount_mg, state.protocol->dose, state.protocol->id, "dose"); !why.empty())
    return Decision::refuse(why);
  Decision d;
  d.events.emplace_back(DoseEntered{client->id, state.medication, state.route, *c.amount_mg, "mg", c.lot});
  d.what = "the dose entered";
  return d;
}

}  // namespace stillroom::session
