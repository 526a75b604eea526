// Built into every program of a sanitizer build (-DBANGTIN_SANITIZE=...), so the tests, the
// programs they start, and a developer's own runs all report the same way without setting
// ASAN_OPTIONS by hand.
//
// The leaks suppressed here are caches that libraries we call keep for the life of the process
// and never free: fontconfig's config and pattern caches, D-Bus and X11 state that SDL opens
// for a window, SDL's own video subsystem. None is in bangtin's code; a leak with any bangtin
// frame on its stack that is not one of these is still reported.

extern "C" {

const char* __asan_default_options() {
  // Stop at the first error with a clear exit code; keep going through fork/exec'd children.
  return "abort_on_error=0:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:"
         "check_initialization_order=1";
}

const char* __ubsan_default_options() { return "print_stacktrace=1:halt_on_error=1"; }

const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n"
         "leak:libdbus-1.so\n"
         "leak:libX11.so\n"
         "leak:libSDL2-2.0.so\n";
}

const char* __tsan_default_options() { return "halt_on_error=1:second_deadlock_stack=1"; }

// Mesa's software rasterizer (llvmpipe in swrast_dri.so, which SDL uses on Xvfb) syncs its own
// threads in code built without TSan, so TSan sees a mutex it tears down "racing" its workers
// (bangtin-panel-sim reading its window back for a snapshot). Only a race with a frame inside
// that library on its stacks is suppressed. Likewise FFmpeg's frame threads (libavcodec,
// libavutil), which decode a video item's frames and are not built for TSan either.
const char* __tsan_default_suppressions() {
  return "race:swrast_dri.so\nrace:libavcodec.so\nrace:libavutil.so\n";
}

}  // extern "C"
