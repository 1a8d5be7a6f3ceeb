-- The owner's self-check submission under load (bench/run): each request POSTs the next ready
-- self-check of the list bench/prepare.py wrote ("path<TAB>cookie<TAB>body" per line), with its
-- owner's session and CSRF token, so no self-check is sent twice. Arguments after "--": the
-- list's file and the line to start at (earlier rounds used the lines before it). When the list
-- runs out the thread stops. done() prints what was sent and how it was answered.

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    items = {}
    for line in io.lines(args[1]) do
        local path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
        if path then
            items[#items + 1] = {path = path, cookie = cookie, body = body}
        end
    end
    total = #items
    first = tonumber(args[2])
    next_item = first
    submitted, refused = 0, 0
    primed, stopped = false, false
end

function request()
    if not primed then
        -- wrk (4.1) calls request() once when the thread starts and never sends what it
        -- returns: that call must not use up a self-check.
        primed = true
        return wrk.format("GET", "/_floor/text/")
    end
    if next_item > total then
        stopped = true
        wrk.thread:stop()
        return wrk.format("GET", "/_floor/text/")
    end
    local item = items[next_item]
    next_item = next_item + 1
    return wrk.format("POST", item.path, {
        ["Cookie"] = item.cookie,
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["Origin"] = "https://" .. wrk.host .. ":" .. wrk.port,
        ["X-Forwarded-Proto"] = "https",
    }, item.body)
end

function response(status, headers, body)
    -- 302: submitted, on to its status page. Anything else: refused (the form shown again).
    if stopped then
        return
    elseif status == 302 then
        submitted = submitted + 1
    else
        refused = refused + 1
    end
end

function done(summary, latency, requests)
    for _, thread in ipairs(threads) do
        local sent = math.min(thread:get("next_item"), thread:get("total") + 1) - thread:get("first")
        io.write(string.format("submissions: sent %d submitted %d refused %d\n",
            sent, thread:get("submitted"), thread:get("refused")))
    end
end
