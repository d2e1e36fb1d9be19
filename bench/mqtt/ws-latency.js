// QoS 1 command -> reply latency from MQTT.js 5 over WebSockets, as a tablet
// or the panel page talks to the room. Usage: node ws-latency.js PORT PASSWORD [COUNT]
'use strict';
const mqtt = require('mqtt');

const [port, password, countText] = process.argv.slice(2);
const count = Number(countText || 1000);
const warmup = 20;
const client = mqtt.connect(`ws://127.0.0.1:${port}/`, {
  protocolVersion: 5,
  username: 'tablet-1',
  password,
  clientId: 'bench-ws-tablet',
  reconnectPeriod: 0,
});

const pending = new Map();
client.on('message', (topic, payload) => {
  const reply = JSON.parse(payload.toString());
  const done = pending.get(reply.id);
  if (done) {
    pending.delete(reply.id);
    done();
  }
});
client.on('error', (error) => {
  console.error(`ws-latency: ${error.message}`);
  process.exit(1);
});

function send(id) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to ${id}`)), 5000);
    const start = process.hrtime.bigint();
    pending.set(id, () => {
      clearTimeout(timer);
      resolve(Number(process.hrtime.bigint() - start) / 1e6);
    });
    client.publish('stillroom/room-1/cmd/tablet-1', JSON.stringify({ id, cmd: 'talk', on: true }), { qos: 1 });
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.round((p / 100) * (sorted.length - 1)))];
}

client.on('connect', async () => {
  try {
    await client.subscribeAsync('stillroom/room-1/reply/tablet-1', { qos: 1 });
    const ms = [];
    for (let i = 0; i < count + warmup; i++) {
      const t = await send(`w${i}`);
      if (i >= warmup) ms.push(t);
    }
    ms.sort((a, b) => a - b);
    const f = (x) => x.toFixed(3);
    console.log(`mqtt latency MQTT.js ${process.env.MQTT_JS_VERSION || '5'} over WebSockets: ` +
      `${count} QoS 1 command->reply  p50 ${f(percentile(ms, 50))} ms  p90 ${f(percentile(ms, 90))} ms  ` +
      `p99 ${f(percentile(ms, 99))} ms  max ${f(ms[ms.length - 1])} ms`);
    client.end(false, () => process.exit(0));
  } catch (error) {
    console.error(`ws-latency: ${error.message}`);
    process.exit(1);
  }
});
