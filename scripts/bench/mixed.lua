-- The mixed load of `make bench` (issue 12), for wrk: anonymous browsing of the 1 M-post city.
--   60% post pages, drawn from a Zipf distribution (s = 1.1) over the city's posts viewers still
--       see (rank r is a fixed scramble of their ids, so the hot posts are spread over the week;
--       posts that left the 7 days while the corpus aged are not drawn: they would be 410s);
--   25% listing pages: first pages (the city, by category, by neighbourhood) and scrolled pages
--       (cursors the bench script fetched before the run);
--   15% searches, the query drawn from a Zipf distribution over a list of realistic terms.
-- Posting (about one a second) runs beside it (scripts/bench/posters.py).
--
--   wrk -s scripts/bench/mixed.lua URL -- IDS_FILE LISTINGS_FILE SEARCHES_FILE [SEED]
-- IDS_FILE holds the posts' ids, one per line; LISTINGS_FILE and SEARCHES_FILE hold one path per line (listings: "first<TAB>path" or
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

local ids, post_cdf
local first_pages, scrolled_pages = {}, {}
local searches, search_cdf
local threads = 0

-- Each thread draws its own sequence (wrk runs setup in its main state, init in each thread's).
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  ids = {}
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  math.randomseed((tonumber(args[4]) or 12) * 1000 + (thread_number or 0))
  post_cdf = zipf_cdf(#ids)
  for _, line in ipairs(lines(args[2])) do
    local kind, path = line:match("^(%S+)\t(.+)$")
    if kind == "first" then first_pages[#first_pages + 1] = path else scrolled_pages[#scrolled_pages + 1] = path end
  end
  searches = lines(args[3])
  search_cdf = zipf_cdf(#searches)
end

function request()
  local r = math.random()
  local path
  if r < 0.60 then
    -- 999983 is prime, so rank -> id is a bijection over the posts (unless their number is a
    -- multiple of it).
    local rank = pick(post_cdf) - 1
    path = "/post/" .. ids[(rank * 999983) % #ids + 1]
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
