-- wrk prints p50/p75/p90/p99 only; this prints what the benchmark needs as one JSON line.
-- With WAYMARK_VARY=1, each request searches around a different point of the West Midlands,
-- so no two are alike and nothing comes from the response cache: each wrk thread walks its
-- own million of the 6,000,000 points of a 2,000 x 3,000 grid (0.0001° apart), in an order
-- that scatters them, from WAYMARK_VARY_FROM (the warm-up takes other millions than the run).
local vary = os.getenv("WAYMARK_VARY") == "1"
local from = tonumber(os.getenv("WAYMARK_VARY_FROM") or "0")
local threads = 0
local POINTS = 6000000

setup = function(thread)
  thread:set("first", from + threads * 1000000)
  threads = threads + 1
end

local counter = nil

request = function()
  if not vary then
    return wrk.request()
  end
  counter = (counter or first) + 1
  -- 7,919 is prime to 6,000,000 (2^7 x 3 x 5^6): distinct counters below 6,000,000 give
  -- distinct points.
  local point = (counter * 7919) % POINTS
  local lat = 52.40 + (point % 2000) / 10000
  local lon = -2.15 + math.floor(point / 2000) / 10000
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
