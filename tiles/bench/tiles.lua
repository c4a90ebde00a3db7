-- wrk scenario for the vector tile routes: GET every tile of z5–z12 over
-- Germany's bounding box (5.87–15.04° E, 47.27–55.06° N) of the Kreis and
-- the Gemeinde layer (about 22,000 tiles; those outside the border answer
-- 204), gzip accepted, with the data version as ?v= as the TileJSON URLs
-- carry it. Each thread walks the list from its own random offset.
--
--   wrk -t2 -c64 -d30s --latency -s tiles/bench/tiles.lua http://127.0.0.1:8089 -- <data version> [identity]
--
-- tiles/bench/run.sh starts a server, warms the cache and runs this.

local paths = {}
local idx = 1
local headers = {["Accept-Encoding"] = "gzip"}

local function lon2x(lon, n) return math.floor((lon + 180) / 360 * n) end
local function lat2y(lat, n)
  local r = math.rad(lat)
  return math.floor((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)
end

function init(args)
  local v = args[1] or ""
  if args[2] == "identity" then headers = {} end -- as curl, QGIS and scripts send
  for _, layer in ipairs({"kreis", "gemeinde"}) do
    for z = 5, 12 do
      local n = 2 ^ z
      for x = lon2x(5.87, n), lon2x(15.04, n) do
        for y = lat2y(55.06, n), lat2y(47.27, n) do
          paths[#paths + 1] = string.format("/tiles/%s/%d/%d/%d.mvt?v=%s", layer, z, x, y, v)
        end
      end
    end
  end
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
  idx = math.random(#paths)
end

function request()
  idx = idx % #paths + 1
  return wrk.format("GET", paths[idx], headers)
end
