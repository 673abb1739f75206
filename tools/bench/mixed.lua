-- wrk: mixed journeys of signed-in people (make bench writes their sessions to $BENCH_SESSIONS).
-- Each connection is one person: after each page they read it for 5 to 15 seconds (delay
-- below) before the next, a coordinator's board or child list, a social worker's "My work"
-- or one of their children's pages; one request in ten is the health check.
-- done() prints the figures make bench reads (lines starting "BENCH ").
local sessions = dofile(os.getenv("BENCH_SESSIONS"))
local host = "127.0.0.1:" .. os.getenv("BENCH_PORT")
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 100 + id)
  not_ok = 0
end

request = function()
  if math.random(10) == 1 then
    return wrk.format("GET", "/healthz", {["Host"] = host, ["X-Forwarded-Proto"] = "https"})
  end
  local s = sessions[math.random(#sessions)]
  local path = s.paths[math.random(#s.paths)]
  return wrk.format("GET", path, {["Host"] = host, ["X-Forwarded-Proto"] = "https", ["Cookie"] = s.cookie})
end

-- Reading the page before the next one: 100 connections are 100 people, not 100 scripts.
delay = function()
  return math.random(5000, 15000)
end

-- wrk counts only 4xx and 5xx as errors; a redirect (to sign in, say) is a failure here too.
response = function(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d\n", summary.requests))
  io.write(string.format("BENCH seconds=%.1f\n", summary.duration / 1e6))
  io.write(string.format("BENCH throughput=%.1f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("BENCH p50_ms=%.1f\n", latency:percentile(50) / 1000))
  io.write(string.format("BENCH p95_ms=%.1f\n", latency:percentile(95) / 1000))
  io.write(string.format("BENCH p99_ms=%.1f\n", latency:percentile(99) / 1000))
  io.write(string.format("BENCH max_ms=%.1f\n", latency.max / 1000))
  local e = summary.errors
  io.write(string.format("BENCH errors_connect=%d\n", e.connect))
  io.write(string.format("BENCH errors_read=%d\n", e.read))
  io.write(string.format("BENCH errors_write=%d\n", e.write))
  io.write(string.format("BENCH errors_timeout=%d\n", e.timeout))
  io.write(string.format("BENCH errors_status=%d\n", e.status))
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("not_ok")
  end
  io.write(string.format("BENCH not_200=%d\n", total))
end
