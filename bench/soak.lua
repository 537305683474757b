-- The soak's requests for wrk: a mix of pages, Dash callbacks, embeds and filtered CSVs read from a file
-- that bench/soak.py writes from the app itself, sent in turn (real) or with random junk (junk).
--
--   wrk -t2 -c50 -d60s --timeout 10s -s bench/soak.lua http://127.0.0.1:8050 -- MIX_FILE real|junk
--
-- The mix file holds one line per request, tab-separated: kind, method, path, body (empty for a GET).
-- Lines of kind "key" name a URL parameter the junk draws its keys from; lines of kind "template" are
-- callback bodies with one input's value replaced by the JSON string "@@JUNK@@".
--
-- real: the lines in turn (each thread from its own place); every status but 2xx/3xx is an error.
-- junk: the same routes with random query strings (real and random keys, long and percent-encoded values,
--       repeated keys), and callback bodies with a random value in one input, or cut short; a 4xx is an
--       expected answer there, only a 5xx or a socket error is an error.
--
-- done() prints one line, "SOAK {json}": requests sent by kind, answers by status and by type (from the
-- reply's Content-Type and X-Frame-Options), wrk's own errors, latency percentiles in microseconds.
-- response() is what makes wrk hand every reply to Lua (it costs throughput), so it only counts.

local threads = {}

function setup(thread)
   thread:set("id", #threads + 1)
   table.insert(threads, thread)
end

-- Per thread; done() reads them with thread:get.
sent = {}
statuses = {}
answers = {}

local mode
local requests, kinds, count, at = {}, {}, 0, 0
local routes, keys, templates = {}, {}, {}
local HEADERS = {["Accept-Encoding"] = "br, gzip", ["Accept"] = "*/*"}
local JSON = "application/json"

local function headers(method)
   local h = {}
   for k, v in pairs(HEADERS) do h[k] = v end
   if method == "POST" then h["Content-Type"] = JSON end
   return h
end

local function fields(line)
   local out = {}
   for field in (line .. "\t"):gmatch("([^\t]*)\t") do table.insert(out, field) end
   return out
end

function init(args)
   mode = args[2] or "real"
   for line in io.lines(args[1]) do
      local f = fields(line)
      local kind, method, path, body = f[1], f[2], f[3], f[4]
      if kind == "key" then
         table.insert(keys, method)
      elseif kind == "template" then
         local s, e = body:find('"@@JUNK@@"', 1, true)
         table.insert(templates, {path = path, head = body:sub(1, s - 1), tail = body:sub(e + 1)})
      else
         if body == "" then body = nil end
         table.insert(requests, wrk.format(method, path, headers(method), body))
         table.insert(kinds, kind)
         if method == "GET" then table.insert(routes, {kind = kind, path = path}) end
      end
   end
   count = #requests
   at = ((id - 1) * 7919) % count  -- threads start at different places of the cycle
   math.randomseed(os.time() * 1000 + id)
end

-- Junk --------------------------------------------------------------------------------------------------

local SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"
local ODD = {"%00", "%ff", "%FF%FE", "%zz", "%", "%2", "%C3%28", "%E2%82", "%ED%A0%80", "%F0%9F%92%A9", "%EF%BF%BD",
             "%0A", "%0D%0A", "%09", "%22", "%27", "%3C", "%3E", "%26", "%3D", "%3B", "%2F", "%5C", "%7E", "+", "%2B",
             "%25", "%u0041", "..", "~", "~~", "-", "'", "!", "*", "(", ")", ",", ";", ":", "@", "$", "=", "/"}
local YEARS = {"1990..2020", "2020..1990", "1800..3000", "..", "1..2..3", "2010..", "..2010", "0", "-1", "2020.5",
               "99999999999999999999", "1e308", "NaN", "inf", "0x7E4", "2010~2020",
               "%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%90"}  -- the last: 2020 in full-width digits

local function token(n)
   local out = {}
   for _ = 1, n do
      local k = math.random(#SAFE)
      out[#out + 1] = SAFE:sub(k, k)
   end
   return table.concat(out)
end

local function odd(n)
   local out = {}
   for _ = 1, n do
      out[#out + 1] = (math.random(3) == 1) and ODD[math.random(#ODD)] or token(math.random(4))
   end
   return table.concat(out)
end

local function value()
   local r = math.random(100)
   if r <= 25 then return token(math.random(12)) end
   if r <= 45 then return odd(math.random(8)) end
   if r <= 60 then return YEARS[math.random(#YEARS)] end
   if r <= 70 then return tostring(math.random(1950, 2050)) .. ".." .. tostring(math.random(1950, 2050)) end
   if r <= 82 then  -- codes joined with ~, repeated, unknown, lower case
      local out = {}
      for _ = 1, math.random(6) do out[#out + 1] = token(3):upper() end
      if math.random(2) == 1 then out[#out + 1] = out[1] end
      return table.concat(out, "~")
   end
   if r <= 92 then return odd(math.random(40, 300)) end  -- long
   if r <= 98 then return token(math.random(300, 1500)) end  -- longer
   return token(math.random(4200, 6000))  -- over the 4 kB query limit: 414
end

local function query()
   local parts = {}
   for _ = 1, math.random(0, 8) do
      local key = (math.random(10) <= 7 and #keys > 0) and keys[math.random(#keys)] or odd(math.random(6))
      local n = (math.random(5) == 1) and math.random(2, 4) or 1  -- repeated keys
      for _ = 1, n do
         local r = math.random(20)
         if r == 1 then parts[#parts + 1] = key  -- a key with no "="
         elseif r == 2 then parts[#parts + 1] = key .. "="
         else parts[#parts + 1] = key .. "=" .. value() end
      end
   end
   if math.random(15) == 1 then parts[#parts + 1] = "&&&" end
   return table.concat(parts, "&")
end

local function with_query(path)
   local q = query()
   if path:find("?", 1, true) then
      return (math.random(2) == 1) and (path .. "&" .. q) or (path:match("^[^?]*") .. "?" .. q)
   end
   return path .. "?" .. q
end

local function json_string()
   local r = math.random(6)
   if r == 1 then return '"\\u0000"' end
   if r == 2 then return '"\\ud800"' end  -- a lone surrogate
   if r == 3 then return '"' .. token(3):upper() .. '"' end
   return '"' .. token(math.random(40)) .. '"'
end

local function json_value(depth)
   local r = math.random(14)
   if r == 1 then return "null" end
   if r == 2 then return (math.random(2) == 1) and "true" or "false" end
   if r == 3 then return tostring(math.random(-1000000, 1000000)) end
   if r == 4 then return tostring(math.random(1900, 2100)) end
   if r == 5 then return ({"1e308", "-0", "0.5", "123456789012345678901234567890"})[math.random(4)] end
   if r <= 7 then return json_string() end
   if r <= 9 then  -- a range like the years slider's, often off the grid
      return "[" .. math.random(1950, 2050) .. "," .. math.random(1950, 2050) .. "]"
   end
   if r <= 11 then  -- a list of codes or names
      local out = {}
      for _ = 1, math.random(0, 5) do out[#out + 1] = json_string() end
      return "[" .. table.concat(out, ",") .. "]"
   end
   if r == 12 and (depth or 0) < 3 then return "[" .. json_value((depth or 0) + 1) .. "]" end
   if r == 13 then return '{"' .. token(4) .. '":' .. json_value(3) .. "}" end
   return "{}"
end

local function junk_callback()
   local t = templates[math.random(#templates)]
   local body = t.head .. json_value() .. t.tail
   local r = math.random(20)
   if r == 1 then body = body:sub(1, math.random(#body - 1)) end  -- cut short
   if r == 2 then body = odd(math.random(50)) end  -- not JSON at all
   local path = (math.random(4) == 1) and with_query(t.path) or t.path
   return "callback", wrk.format("POST", path, headers("POST"), body)
end

local function junk()
   if #templates > 0 and math.random(100) <= 30 then return junk_callback() end
   local route = routes[math.random(#routes)]
   return route.kind, wrk.format("GET", with_query(route.path), headers("GET"))
end

-- wrk's hooks ---------------------------------------------------------------------------------------------

function request()
   local kind, req
   if mode == "junk" then
      kind, req = junk()
   else
      at = at % count + 1
      kind, req = kinds[at], requests[at]
   end
   sent[kind] = (sent[kind] or 0) + 1
   return req
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   local ct = headers["Content-Type"] or ""
   local kind = "other"
   if ct:find("json", 1, true) then kind = "json"
   elseif ct:find("csv", 1, true) then kind = "csv"
   elseif ct:find("html", 1, true) then
      -- Only embeds may be framed anywhere; gunicorn's own error pages carry neither header.
      if headers["X-Frame-Options"] then kind = "page"
      elseif headers["Content-Security-Policy"] then kind = "embed" end
   elseif ct:find("text/plain", 1, true) then kind = "plain"
   end
   answers[kind] = (answers[kind] or 0) + 1
end

local function encode(t)
   local out = {}
   for k, v in pairs(t) do
      out[#out + 1] = string.format('"%s":%s', tostring(k), type(v) == "table" and encode(v) or tostring(v))
   end
   return "{" .. table.concat(out, ",") .. "}"
end

local function add(into, from)
   for k, v in pairs(from or {}) do into[tostring(k)] = (into[tostring(k)] or 0) + v end
end

function done(summary, latency, _requests)
   local total = {sent = {}, statuses = {}, answers = {}}
   for _, thread in ipairs(threads) do
      add(total.sent, thread:get("sent"))
      add(total.statuses, thread:get("statuses"))
      add(total.answers, thread:get("answers"))
   end
   total.requests = summary.requests
   total.duration_us = summary.duration
   total.bytes = summary.bytes
   total.errors = {connect = summary.errors.connect, read = summary.errors.read, write = summary.errors.write,
                   timeout = summary.errors.timeout, status = summary.errors.status}
   total.latency_us = {p50 = latency:percentile(50), p90 = latency:percentile(90), p99 = latency:percentile(99),
                       max = latency.max, mean = math.floor(latency.mean)}
   io.write("SOAK " .. encode(total) .. "\n")
end
