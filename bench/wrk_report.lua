-- wrk prints p50/p75/p90/p99 only; this prints what the benchmark needs as one JSON line.
-- With WAYMARK_VARY=1, each request searches around a different point of the West Midlands
-- (so no two are alike and nothing comes from the response cache).
local vary = os.getenv("WAYMARK_VARY") == "1"
local counter = tonumber(os.getenv("WAYMARK_VARY_FROM") or "0")

request = function()
  if not vary then
    return wrk.request()
  end
  counter = counter + 1
  local lat = 52.40 + (counter * 7919 % 2000) / 10000
  local lon = -2.15 + (counter * 104729 % 3000) / 10000
  local path = string.format("%s&near=%.4f,%.4f", wrk.path, lat, lon)
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"rps": %.1f, "p50": %.2f, "p95": %.2f, "p99": %.2f, "requests": %d, "errors": %d}\n',
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.requests, errors))
end
