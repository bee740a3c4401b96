-- wrk reports p50/75/90/99; the target is p95. Non-2xx answers are counted so a fast error page
-- cannot pass for a fast page.
done = function(summary, latency, requests)
  io.write(string.format("requests %d  non2xx %d  p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms\n",
    summary.requests, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
