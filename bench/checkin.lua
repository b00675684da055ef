-- wrk script: POST check-ins with fresh valid card tokens, BATCH scans per request.
-- Env: TOKENS (file, one token per line), FIRST (first line, 0-based), PER_THREAD (lines per
-- thread), BATCH, VENUE, API_TOKEN, SESSION. Counts the outcomes it was answered.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local first = tonumber(os.getenv("FIRST")) + id * tonumber(os.getenv("PER_THREAD"))
  local last = first + tonumber(os.getenv("PER_THREAD")) - 1
  batch = tonumber(os.getenv("BATCH") or "1")
  venue = os.getenv("VENUE")
  tokens, n, i = {}, 0, 0
  for line in io.lines(os.getenv("TOKENS")) do
    if i >= first and i <= last then n = n + 1; tokens[n] = line end
    i = i + 1
    if i > last then break end
  end
  cursor, sent = 0, 0
  accepted, duplicate, rejected, exhausted = 0, 0, 0, 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("API_TOKEN")
  wrk.path = "/api/v1/sessions/" .. os.getenv("SESSION") .. "/checkins"
end

function request()
  local items = {}
  for k = 1, batch do
    cursor = cursor + 1
    if cursor > n then cursor = 1; exhausted = 1 end  -- reuse: answered as duplicates
    sent = sent + 1
    items[k] = string.format('{"nonce":"w%d-%d-%d","token":"%s","venue_id":%s}',
                             id, os.time(), sent, tokens[cursor], venue)
  end
  return wrk.format(nil, nil, nil, '{"items":[' .. table.concat(items, ",") .. ']}')
end

function response(status, headers, body)
  for outcome in body:gmatch('"outcome":%s*"(%a+)"') do  -- one pass over the answer
    if outcome == "accepted" then accepted = accepted + 1
    elseif outcome == "duplicate" then duplicate = duplicate + 1
    else rejected = rejected + 1 end
  end
end

function done(summary, latency, requests)
  local a, d, r, e = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("accepted"); d = d + t:get("duplicate"); r = r + t:get("rejected")
    e = e + t:get("exhausted")
  end
  io.write(string.format("OUTCOMES accepted=%d duplicate=%d rejected=%d exhausted=%d\n",
                         a, d, r, e))
end
