-- The mixed load of `make bench` (issue 12), for wrk: anonymous browsing of the 1 M-post city.
--   60% post pages, drawn from a Zipf distribution (s = 1.1) over all the city's posts (rank r
--       is a fixed scramble of the post ids, so the hot posts are spread over the week);
--   25% listing pages: first pages (the city, by category, by neighbourhood) and scrolled pages
--       (cursors the bench script fetched before the run);
--   15% searches, the query drawn from a Zipf distribution over a list of realistic terms.
-- Posting (about one a second) runs beside it (scripts/bench/posters.py).
--
--   wrk -s scripts/bench/mixed.lua URL -- FIRST_ID COUNT LISTINGS_FILE SEARCHES_FILE [SEED]
-- LISTINGS_FILE and SEARCHES_FILE hold one path per line (listings: "first<TAB>path" or
-- "scrolled<TAB>path"); the searches file is in popularity order.

local S = 1.1

local function zipf_cdf(n)
  local cdf, acc = {}, 0
  for r = 1, n do
    acc = acc + r ^ -S
    cdf[r] = acc
  end
  for r = 1, n do cdf[r] = cdf[r] / acc end
  return cdf
end

local function pick(cdf)
  local u, lo, hi = math.random(), 1, #cdf
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return lo
end

local function lines(path)
  local out = {}
  for line in io.lines(path) do
    if line ~= "" then out[#out + 1] = line end
  end
  return out
end

local first_id, count, post_cdf
local first_pages, scrolled_pages = {}, {}
local searches, search_cdf
local threads = 0

-- Each thread draws its own sequence (wrk runs setup in its main state, init in each thread's).
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  first_id, count = tonumber(args[1]), tonumber(args[2])
  math.randomseed((tonumber(args[5]) or 12) * 1000 + (thread_number or 0))
  post_cdf = zipf_cdf(count)
  for _, line in ipairs(lines(args[3])) do
    local kind, path = line:match("^(%S+)\t(.+)$")
    if kind == "first" then first_pages[#first_pages + 1] = path else scrolled_pages[#scrolled_pages + 1] = path end
  end
  searches = lines(args[4])
  search_cdf = zipf_cdf(#searches)
end

function request()
  local r = math.random()
  local path
  if r < 0.60 then
    -- 999983 is prime, so rank -> id is a bijection over the city's posts.
    local rank = pick(post_cdf) - 1
    path = "/post/" .. (first_id + (rank * 999983) % count)
  elseif r < 0.85 then
    if math.random() < 0.6 or #scrolled_pages == 0 then
      path = first_pages[math.random(#first_pages)]
    else
      path = scrolled_pages[math.random(#scrolled_pages)]
    end
  else
    path = searches[pick(search_cdf)]
  end
  return wrk.format("GET", path)
end
