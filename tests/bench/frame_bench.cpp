#include <benchmark/benchmark.h>

#include "bangtin/frame.hpp"

// The floor every other figure stands on: making a blank frame of each board size.
static void BM_BlankFrame(benchmark::State& state) {
  const int width = static_cast<int>(state.range(0));
  const int height = static_cast<int>(state.range(1));
  for (auto _ : state) {
    benchmark::DoNotOptimize(bangtin::Frame::blank(width, height, bangtin::PixelFormat::mono));
  }
}
BENCHMARK(BM_BlankFrame)->Args({128, 32})->Args({192, 64});
