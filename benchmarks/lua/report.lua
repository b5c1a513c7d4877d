-- Print wrk's figures as one JSON line when the run ends (benchmarks/wrk.py reads it).
-- With an argument (`-- PATHS_FILE`), the requests take the file's paths in turn, one a line.

local paths, next_path = {}, 0

local function in_turn()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

function init(args)
  if args[1] then
    for line in io.lines(args[1]) do paths[#paths + 1] = line end
    -- Only then is each request made in Lua; otherwise wrk sends its one request as it is.
    request = in_turn
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.timeout, e.status))
end
