#include <cstdio>
#include <vector>

#include "runtime/runtime.hpp"

weft::rt::task<int> square(int x) { co_return x * x; }

weft::rt::task<int> sum_of_squares(int n) {
  std::vector<weft::rt::join_handle<int>> hs;
  for (int i = 1; i <= n; ++i) hs.push_back(weft::rt::spawn(square(i)));
  int sum = 0;
  for (auto& h : hs) sum += co_await h;
  co_return sum;
}

int main() {
  auto rt = weft::rt::builder::multi_thread().worker_threads(2).build();
  const int sum = rt.block_on(sum_of_squares(10));
  std::printf("consumer: sum=%d\n", sum);
  return sum == 385 ? 0 : 1;
}
