#include "display_runner.hpp"

#include <algorithm>
#include <cstdio>

#include "bangtin/date_time_text.hpp"

namespace bangtin {

namespace {

std::string seconds_text(SystemClock::duration d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", std::chrono::duration<double>(d).count());
  return text;
}

}  // namespace

DisplayRunner::DisplayRunner(boost::asio::io_context& loop, DisplayPlayer player,
                             std::unique_ptr<FrameOutput> output, Clocks clocks, LogSink log,
                             PlayJournal* journal, std::function<bool()> clock_trusted)
    : timer_(loop),
      player_(std::move(player)),
      output_(std::move(output)),
      clocks_(std::move(clocks)),
      log_(std::move(log)),
      journal_(journal),
      clock_trusted_(std::move(clock_trusted)),
      period_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(1.0 / player_.display().fps))) {
  player_.draw_ahead();
}

void DisplayRunner::start() {
  for (const auto& problem : player_.problems()) log_.warning(problem);
  next_tick_ = std::chrono::steady_clock::now();
  tick();
}

void DisplayRunner::stop() {
  if (stopped_) return;
  stopped_ = true;
  timer_.cancel();
  output_->stop();
  if (recorded_play_ && journal_) {
    journal_->end(*recorded_play_, trusted_ ? clocks_.wall() : last_trusted_,
                  PlayOutcome::interrupted);
    recorded_play_.reset();
  }
}

DisplayStatus DisplayRunner::status(std::chrono::minutes utc_offset) const {
  DisplayStatus status;
  status.name = name();
  status.link = player_.display().link;
  status.output = player_.display().output == DisplayOutput::window ? "window" : "panel";
  status.health = output_->health();
  if (const Play* play = player_.on_air(); play && play->item) {
    status.on_air = play->item->id;
    status.playlist = play->item->playlist;
    status.since = iso_date_time_text(play->start, utc_offset);
    status.until = iso_date_time_text(play->end, utc_offset);
  }
  status.problems = player_.problems();
  status.prepared = player_.prepared_cache();
  status.brightness_percent = player_.brightness();
  return status;
}

void DisplayRunner::reload(std::shared_ptr<const DisplayContent> planned) {
  if (!trusted_) {
    // No trustworthy "now": the new programme waits in the player until the clock is right.
    player_.reload(std::move(planned), last_trusted_);
    return;
  }
  std::vector<DisplayPlayer::Change> changes;
  const auto now = clocks_.wall();
  player_.reload(std::move(planned), now, &changes);
  for (const auto& problem : player_.problems()) log_.warning(problem);
  record(changes, now);
}

void DisplayRunner::record(const std::vector<DisplayPlayer::Change>& changes,
                           SystemClock::time_point now) {
  for (const auto& change : changes) {
    if (change.ended && change.ended->item && change.ended->item->media.kind == MediaKind::video) {
      // How the clip went: every frame on time, or the decoder could not keep up.
      const PreparedItem::VideoCounts video = player_.ended_video_counts();
      log_("display " + name() + ": video " + change.ended->item->id + " played " +
           std::to_string(video.shown + video.late) + " frames, " + std::to_string(video.late) +
           " of them late");
    }
    if (recorded_play_ && journal_ && change.ended) {
      journal_->end(*recorded_play_, change.ended->end,
                    change.ended_early ? PlayOutcome::interrupted : PlayOutcome::completed);
    }
    recorded_play_.reset();
    const Play& play = change.started;
    if (!play.item) {
      log_("display " + name() + ": nothing scheduled, showing the idle content");
      continue;
    }
    log_("display " + name() + ": playing " + play.item->id + " from " + play.item->playlist +
         " (" + seconds_text(play.end - play.start) + ")" +
         (play.interrupted ? ", until an urgent item cuts in" : ""));
    if (journal_) {
      // A play that follows on from the one before was on the board from its start; one picked
      // up mid-way (at start-up, after a wrong clock) only from this tick.
      const bool follows_on = change.ended && change.ended->end == play.start;
      const auto shown_from =
          follows_on ? play.start
                     : std::max(play.start,
                                now - std::chrono::duration_cast<SystemClock::duration>(period_));
      recorded_play_ = journal_->begin(PlayStart{name(), play.item->playlist, play.item->id,
                                                 shown_text(*play.item), shown_from});
    }
  }
}

void DisplayRunner::tick() {
  if (stopped_) return;
  try {
    if (!clock_trusted_()) {
      if (trusted_ && recorded_play_ && journal_) {
        // The board freezes on its last frame: the play ends, in the record, where it was cut.
        journal_->end(*recorded_play_, last_trusted_, PlayOutcome::interrupted);
        recorded_play_.reset();
      }
      trusted_ = false;
      // A wrong date would schedule the wrong content: the board keeps what it showed last.
      if (!last_frame_) last_frame_ = player_.untimed_frame();
    } else {
      const auto now = clocks_.wall();
      std::vector<DisplayPlayer::Change> changes;
      if (!trusted_) player_.resume(now, &changes);
      last_frame_ = player_.frame_at(now, &changes);
      if (const auto failure = player_.take_draw_failure())
        log_.warning("display " + name() + ": " + *failure);
      follow_frame_rate();
      record(changes, now);
      trusted_ = true;
      last_trusted_ = now;
      follow_brightness();
    }
    FrameSource source{trusted_ ? player_.scroll_strip() : std::nullopt, player_.text_shown()};
    if (trusted_) source.next_strip = player_.next_scroll_strip();
    output_->show(*last_frame_, std::move(source));
  } catch (const std::exception& error) {
    // Nothing a display meets may stop the daemon: the board keeps its last frame, and the
    // next tick tries again.
    if (error.what() != last_error_)
      log_.error("display " + name() + ": frame not made: " + error.what());
    last_error_ = error.what();
  }
  schedule_next_tick();
}

void DisplayRunner::follow_frame_rate() {
  // A video plays at its own rate (a 30 fps clip on a 25 fps display would drop a frame in six);
  // everything else at the display's.
  const double video = player_.frame_rate();
  const double fps = video > 0 ? std::clamp(video, 1.0, 120.0) : player_.display().fps;
  period_ = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(1.0 / fps));
}

void DisplayRunner::follow_brightness() {
  // Colour pictures are dimmed in their colours; a mono board's LEDs only by the panel itself.
  if (player_.display().pixel != PixelFormat::mono) return;
  const int wanted = player_.brightness();
  if (panel_brightness_ == wanted) return;
  output_->set_brightness(wanted);
  panel_brightness_ = wanted;
}

void DisplayRunner::schedule_next_tick() {
  // Ticks keep to a fixed grid, so a slow tick does not push every later frame back.
  next_tick_ += period_;
  const auto now = std::chrono::steady_clock::now();
  if (next_tick_ < now) next_tick_ = now;
  timer_.expires_at(next_tick_);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (!error) tick();
  });
}

}  // namespace bangtin
