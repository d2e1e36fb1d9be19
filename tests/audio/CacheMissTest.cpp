// A track whose loudness is not in the cache when it is due: its stream
// decodes at once at an estimated gain (never holding up the mix), the whole
// file is measured in slices beside decoding, the cache learns the result, and
// a voice that started on the estimate moves to the measured gain as a slow
// ramp from below.
#include "AudioTestKit.hpp"

#include "audio/Curves.hpp"
#include "audio/DecoderCore.hpp"
#include "audio/LoudnessCache.hpp"
#include "audio/Mixer.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace stillroom;
using namespace stillroom::test;

namespace {

/** A stream provider that decodes only when the test says so (the decoder thread, slowed to a stop). */
class SteppedDecoder final : public audio::StreamProvider {
 public:
  SteppedDecoder(audio::AudioFormat format, audio::LoudnessCache& cache, const config::AudioSettings& s)
      : format_(format), core_(format, cache, s.loudness_target_lufs, s.true_peak_ceiling_dbtp) {}
  std::shared_ptr<audio::StreamState> open(const audio::StreamRequest& request) override {
    auto stream = std::make_shared<audio::StreamState>(request, format_.channels, 48000 * 4);
    core_.add(stream);
    streams.push_back(stream);
    return stream;
  }
  void close(const std::shared_ptr<audio::StreamState>& stream) override { core_.remove(stream.get()); }
  void prepare() override {}
  /** One unit of decoder work: a block into a ring, or a loudness slice. */
  bool step() { return core_.work(); }

  std::vector<std::shared_ptr<audio::StreamState>> streams;

 private:
  audio::AudioFormat format_;
  audio::DecoderCore core_;
};

}  // namespace

TEST_CASE("a loudness cache miss at play time: decoding starts at once, the measured gain follows as a ramp") {
  AudioWorkspace w("stillroom-cache-miss");
  // 40 s of a 1 kHz sine at -10 dBFS, not in the cache.
  const auto path = (w.dir / "uncached.wav").string();
  ToneFile::write(path, ToneFile::sine(48000, 2, 48000 * 40, 1000.0, std::pow(10.0, -10.0 / 20)), true);
  REQUIRE_FALSE(w.cache.lookup(path));

  SteppedDecoder decoder({48000, 2}, w.cache, w.settings);
  audio::Mixer mixer(w.settings, decoder, w.log, true);
  auto seg = track(1, path, Millis{0}, Millis{40000});
  seg.natural_end = true;
  mixer.follow(plan_of({seg}), 0);
  std::vector<float> block(2 * 1024);
  REQUIRE(mixer.mix(block.data(), 1024) == 1024);  // opens the stream
  REQUIRE(decoder.streams.size() == 1);
  const auto& stream = *decoder.streams.front();
  // The stream is ready with an estimate before the file is measured, and audio arrives at once.
  CHECK(stream.is_ready());
  CHECK_FALSE(stream.has_final_loudness());
  const double estimate = stream.norm_db.load();
  REQUIRE(decoder.step());
  CHECK(stream.ring.readable() > 0);
  CHECK_FALSE(stream.has_final_loudness());

  // The voice plays from the estimate; nothing waits for the meter.
  for (int i = 0; i < 40; ++i) {
    (void)decoder.step();
    CHECK(mixer.mix(block.data(), 1024) == 1024);
  }
  // Let the decoder finish measuring (decoding stays ahead: the ring is full, so it measures).
  int steps = 0;
  while (!stream.has_final_loudness() && steps < 100000) {
    (void)decoder.step();
    ++steps;
  }
  REQUIRE(stream.has_final_loudness());
  const double measured = stream.norm_db.load();
  MESSAGE("estimated " << estimate << " dB, measured " << measured << " dB");
  CHECK(estimate < measured);                      // the estimate errs on the quiet side
  CHECK(measured - estimate < 4.0);                // by the margin, for a steady signal
  CHECK(w.cache.lookup(path).has_value());         // the cache learned it
  // From here the voice's gain ramps up to the measured gain over ramps.recover, never beyond it.
  const std::int64_t recover = audio::ms_to_frames(w.settings.ramps.recover, 48000);
  const double amp = std::pow(10.0, -10.0 / 20);
  double previous = 0;
  bool rising = true;
  double last = 0;
  for (std::int64_t done = 0; done < recover + 48000; done += 1024) {
    while (decoder.step()) {
    }
    REQUIRE(mixer.mix(block.data(), 1024) == 1024);
    double peak = 0;
    for (std::size_t i = 0; i < block.size(); i += 2) peak = std::max(peak, double(std::abs(block[i])));
    rising &= peak >= previous - 1e-4;
    previous = peak;
    last = peak;
  }
  CHECK(rising);
  CHECK(last == doctest::Approx(amp * audio::db_to_gain(measured)).epsilon(2e-3));
}
