-- Mixed read workload for wrk: vector tiles over Germany (z5–z12),
-- choropleths, values and region profiles, in the proportions a map user
-- produces (mostly tiles). Usage: wrk -t2 -c64 -d60s --latency -s mixed.lua URL
local paths = {}

local function lon2x(lon, z) return math.floor((lon + 180) / 360 * 2 ^ z) end
local function lat2y(lat, z)
  local r = math.rad(lat)
  return math.floor((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * 2 ^ z)
end

-- Tiles covering Germany (5.8–15.1 E, 47.2–55.1 N), sampled per zoom.
local levels = { "land", "kreis", "gemeinde" }
for z = 5, 12 do
  local x0, x1 = lon2x(5.8, z), lon2x(15.1, z)
  local y0, y1 = lat2y(55.1, z), lat2y(47.2, z)
  local step = math.max(1, math.floor((x1 - x0) / 12))
  for x = x0, x1, step do
    for y = y0, y1, step do
      local level = levels[(x + y) % #levels + 1]
      paths[#paths + 1] = string.format("/tiles/%s/%d/%d/%d.mvt", level, z, x, y)
    end
  end
end
local ntiles = #paths

local indicators = { "unemployment_rate", "share_foreign", "childcare_under3", "rent_level", "gisd_score", "broadband_gigabit", "population" }
for _, ind in ipairs(indicators) do
  paths[#paths + 1] = "/api/v1/choropleth?level=kreis&indicator=" .. ind
  paths[#paths + 1] = "/api/v1/values?level=kreis&indicator=" .. ind
end
paths[#paths + 1] = "/api/v1/values?level=gemeinde&indicator=vacancy_rate_zensus2022"
for _, key in ipairs({ "09162", "09184", "11000", "02000", "05315", "14612", "08111", "06412", "03241", "16063" }) do
  paths[#paths + 1] = "/api/v1/regions/" .. key
end

-- wrk ... -s mixed.lua URL -- identity: without Accept-Encoding, as curl,
-- QGIS and many scripts send (default: gzip accepted).
local headers = { ["Accept-Encoding"] = "gzip" }
init = function(args)
  if args[1] == "identity" then headers = {} end
end

local counter = 0
request = function()
  counter = counter + 1
  local path
  if counter % 10 < 7 then
    path = paths[(counter * 7919) % ntiles + 1]
  else
    path = paths[ntiles + (counter * 104729) % (#paths - ntiles) + 1]
  end
  return wrk.format("GET", path, headers)
end

-- No response callback: wrk would hand every body (1.5 MB for an
-- uncompressed choropleth) to Lua as a string, on the CPUs the server
-- shares. wrk counts answers other than 2xx/3xx itself (summary.errors.status).

done = function(summary, latency, requests)
  io.write(string.format("paths: %d (%d tiles)\n", #paths, ntiles))
  io.write(string.format("requests: %d, non-2xx/3xx: %d, socket errors: %d\n", summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
