-- One endpoint under load (bench/endpoints.py writes the data file and reads the JSON line).
-- args: <data file> <random|once> <method> <cap per thread> <threads>
-- data file lines: token <TAB> path [<TAB> JSON body: sent as a POST]. "random": each request picks a random
-- line (random members, so no cache is flattered); "once": each thread uses its own lines,
-- each once (writes that may not repeat: a report is submitted once, a draft published once).

local made = 0

function setup(thread)
  thread:set("tid", made)
  made = made + 1
end

function init(args)
  rows, mode, method = {}, args[2], args[3]
  cap, nthreads, idx, seen = tonumber(args[4]), tonumber(args[5]), 0, 0
  local i = 0
  for line in io.lines(args[1]) do
    if mode ~= "once" or (i % nthreads) == tid then
      local tok, path, body = line:match("^([^\t]*)\t([^\t]*)\t?(.*)$")
      rows[#rows + 1] = { tok, path, body }
    end
    i = i + 1
  end
  math.randomseed(os.time() + tid * 7919)
end

function request()
  local row
  if mode == "once" then
    idx = math.min(idx + 1, #rows)
    row = rows[idx]
  else
    row = rows[math.random(#rows)]
  end
  local headers = {}
  if row[1] ~= "" then headers["Authorization"] = "Bearer " .. row[1] end
  local body, verb = nil, method
  if row[3] ~= "" then
    -- A line with a body is a write (mixed loads: bench/soak.py).
    headers["Content-Type"] = "application/json"
    body, verb = row[3], "POST"
  end
  return wrk.format(verb, row[2], headers, body)
end

function response(status, headers, body)
  seen = seen + 1
  if cap > 0 and seen >= cap then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON:{"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "status_errors": %d, "timeouts": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    latency.mean))
end
