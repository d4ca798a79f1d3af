-- richards.lua: Martin Richards' operating-system simulation benchmark.
--
-- A scheduler runs six tasks (an idle task, a worker, two handlers and two
-- devices) that pass packets to each other through priority-ordered task
-- control blocks.  The well-known checks: with the idle task counting down
-- from 10000, the scheduler queues 23246 packets and holds tasks 9297 times.
-- Tasks are objects of four classes sharing one protocol (`task:run(packet)`),
-- so the hot calls are polymorphic method calls through metatables.
-- Exercises: OOP with setmetatable/__index, linked lists of tables, polymorphic
-- call sites, and field reads and writes on small records.
--
-- Usage: richards.lua [iterations]   (default 20)
-- Quick: 1   (the size `run.sh --quick` uses)
-- Output: the queue and hold counts of the last run and the iteration count.

local floor = math.floor

local ID_IDLE, ID_WORKER, ID_HANDLER_A, ID_HANDLER_B, ID_DEVICE_A, ID_DEVICE_B = 1, 2, 3, 4, 5, 6
local KIND_DEVICE, KIND_WORK = 0, 1
local DATA_SIZE = 4
local IDLE_COUNT = 10000

-- Exclusive-or of two non-negative integers below 2^16, without a bit library.
local function xor16(a, b)
  local result, place = 0, 1
  for _ = 1, 16 do
    local abit, bbit = a % 2, b % 2
    if abit ~= bbit then
      result = result + place
    end
    a, b, place = (a - abit) / 2, (b - bbit) / 2, place * 2
  end
  return result
end

-- Packets ---------------------------------------------------------------------

local Packet = {}
Packet.__index = Packet

function Packet.new(link, id, kind)
  local data = {}
  for i = 1, DATA_SIZE do
    data[i] = 0
  end
  return setmetatable({ link = link, id = id, kind = kind, a1 = 0, a2 = data }, Packet)
end

-- Append this packet to the end of queue; returns the new queue head.
function Packet:add_to(queue)
  self.link = nil
  if queue == nil then
    return self
  end
  local peek = queue
  local next_packet = peek.link
  while next_packet ~= nil do
    peek = next_packet
    next_packet = peek.link
  end
  peek.link = self
  return queue
end

-- Task control blocks ---------------------------------------------------------
-- The state is three flags: a packet is pending, the task is waiting
-- (suspended), the task is held.

local Tcb = {}
Tcb.__index = Tcb

function Tcb.new(link, id, priority, queue, task)
  return setmetatable({
    link = link, id = id, priority = priority, queue = queue, task = task,
    packet_pending = queue ~= nil, task_waiting = true, task_holding = false,
  }, Tcb)
end

function Tcb:set_running()
  self.packet_pending, self.task_waiting, self.task_holding = false, false, false
end

function Tcb:mark_as_not_held()
  self.task_holding = false
end

function Tcb:mark_as_held()
  self.task_holding = true
end

function Tcb:mark_as_suspended()
  self.task_waiting = true
end

function Tcb:mark_as_runnable()
  self.packet_pending = true
end

function Tcb:is_held_or_suspended()
  return self.task_holding or (self.task_waiting and not self.packet_pending)
end

function Tcb:run()
  local packet
  if self.task_waiting and self.packet_pending and not self.task_holding then
    packet = self.queue
    self.queue = packet.link
    self.task_waiting = false
    self.packet_pending = self.queue ~= nil
  end
  return self.task:run(packet)
end

-- Add packet to this task's queue; returns the task that should run next.
function Tcb:check_priority_add(task, packet)
  if self.queue == nil then
    self.queue = packet
    self:mark_as_runnable()
    if self.priority > task.priority then
      return self
    end
  else
    self.queue = packet:add_to(self.queue)
  end
  return task
end

-- Scheduler -------------------------------------------------------------------

local Scheduler = {}
Scheduler.__index = Scheduler

function Scheduler.new()
  return setmetatable({
    queue_count = 0, hold_count = 0, blocks = {}, list = nil,
    current_tcb = nil, current_id = nil,
  }, Scheduler)
end

function Scheduler:add_task(id, priority, queue, task)
  self.current_tcb = Tcb.new(self.list, id, priority, queue, task)
  self.list = self.current_tcb
  self.blocks[id] = self.current_tcb
end

function Scheduler:add_running_task(id, priority, queue, task)
  self:add_task(id, priority, queue, task)
  self.current_tcb:set_running()
end

function Scheduler:schedule()
  local tcb = self.list
  self.current_tcb = tcb
  while tcb ~= nil do
    if tcb:is_held_or_suspended() then
      tcb = tcb.link
    else
      self.current_id = tcb.id
      tcb = tcb:run()
    end
    self.current_tcb = tcb
  end
end

function Scheduler:release(id)
  local tcb = self.blocks[id]
  if tcb == nil then
    return tcb
  end
  tcb:mark_as_not_held()
  if tcb.priority > self.current_tcb.priority then
    return tcb
  end
  return self.current_tcb
end

function Scheduler:hold_current()
  self.hold_count = self.hold_count + 1
  self.current_tcb:mark_as_held()
  return self.current_tcb.link
end

function Scheduler:suspend_current()
  self.current_tcb:mark_as_suspended()
  return self.current_tcb
end

function Scheduler:queue(packet)
  local target = self.blocks[packet.id]
  if target == nil then
    return target
  end
  self.queue_count = self.queue_count + 1
  packet.link = nil
  packet.id = self.current_id
  return target:check_priority_add(self.current_tcb, packet)
end

-- Tasks -----------------------------------------------------------------------

local IdleTask = {}
IdleTask.__index = IdleTask

function IdleTask.new(scheduler, v1, count)
  return setmetatable({ scheduler = scheduler, v1 = v1, count = count }, IdleTask)
end

function IdleTask:run(packet)
  local scheduler = self.scheduler
  self.count = self.count - 1
  if self.count == 0 then
    return scheduler:hold_current()
  end
  local v1 = self.v1
  if v1 % 2 == 0 then
    self.v1 = v1 / 2
    return scheduler:release(ID_DEVICE_A)
  end
  self.v1 = xor16(floor(v1 / 2), 0xD008)
  return scheduler:release(ID_DEVICE_B)
end

local DeviceTask = {}
DeviceTask.__index = DeviceTask

function DeviceTask.new(scheduler)
  return setmetatable({ scheduler = scheduler, v1 = nil }, DeviceTask)
end

function DeviceTask:run(packet)
  local scheduler = self.scheduler
  if packet == nil then
    local v = self.v1
    if v == nil then
      return scheduler:suspend_current()
    end
    self.v1 = nil
    return scheduler:queue(v)
  end
  self.v1 = packet
  return scheduler:hold_current()
end

local WorkerTask = {}
WorkerTask.__index = WorkerTask

function WorkerTask.new(scheduler, v1, v2)
  return setmetatable({ scheduler = scheduler, v1 = v1, v2 = v2 }, WorkerTask)
end

function WorkerTask:run(packet)
  local scheduler = self.scheduler
  if packet == nil then
    return scheduler:suspend_current()
  end
  if self.v1 == ID_HANDLER_A then
    self.v1 = ID_HANDLER_B
  else
    self.v1 = ID_HANDLER_A
  end
  packet.id = self.v1
  packet.a1 = 0
  local v2, data = self.v2, packet.a2
  for i = 1, DATA_SIZE do
    v2 = v2 + 1
    if v2 > 26 then
      v2 = 1
    end
    data[i] = v2
  end
  self.v2 = v2
  return scheduler:queue(packet)
end

local HandlerTask = {}
HandlerTask.__index = HandlerTask

function HandlerTask.new(scheduler)
  return setmetatable({ scheduler = scheduler, v1 = nil, v2 = nil }, HandlerTask)
end

function HandlerTask:run(packet)
  local scheduler = self.scheduler
  if packet ~= nil then
    if packet.kind == KIND_WORK then
      self.v1 = packet:add_to(self.v1)
    else
      self.v2 = packet:add_to(self.v2)
    end
  end
  local work = self.v1
  if work ~= nil then
    local count = work.a1
    if count < DATA_SIZE then
      local device = self.v2
      if device ~= nil then
        self.v2 = device.link
        device.a1 = work.a2[count + 1]
        work.a1 = count + 1
        return scheduler:queue(device)
      end
    else
      self.v1 = work.link
      return scheduler:queue(work)
    end
  end
  return scheduler:suspend_current()
end

-- Driver ----------------------------------------------------------------------

local function run_richards()
  local scheduler = Scheduler.new()
  scheduler:add_running_task(ID_IDLE, 0, nil, IdleTask.new(scheduler, 1, IDLE_COUNT))

  local queue = Packet.new(nil, ID_WORKER, KIND_WORK)
  queue = Packet.new(queue, ID_WORKER, KIND_WORK)
  scheduler:add_task(ID_WORKER, 1000, queue, WorkerTask.new(scheduler, ID_HANDLER_A, 0))

  queue = Packet.new(nil, ID_DEVICE_A, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_A, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_A, KIND_DEVICE)
  scheduler:add_task(ID_HANDLER_A, 2000, queue, HandlerTask.new(scheduler))

  queue = Packet.new(nil, ID_DEVICE_B, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_B, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_B, KIND_DEVICE)
  scheduler:add_task(ID_HANDLER_B, 3000, queue, HandlerTask.new(scheduler))

  scheduler:add_task(ID_DEVICE_A, 4000, nil, DeviceTask.new(scheduler))
  scheduler:add_task(ID_DEVICE_B, 5000, nil, DeviceTask.new(scheduler))

  scheduler:schedule()
  return scheduler.queue_count, scheduler.hold_count
end

local iterations = tonumber(arg and arg[1]) or 20
local queue_count, hold_count
for _ = 1, iterations do
  queue_count, hold_count = run_richards()
  if queue_count ~= 23246 or hold_count ~= 9297 then
    error(string.format("richards: wrong counts %d %d", queue_count, hold_count))
  end
end
print(string.format("richards iterations=%d queue_count=%d hold_count=%d",
  iterations, queue_count, hold_count))
