const http = require('http');
const { Server } = require('socket.io');
const express = require('express');
const session = require('express-session');
const RedisStore = require('connect-redis').default;
const { createClient } = require('redis');

const app = express();
const server = http.createServer(app);
const redis = createClient({ url: process.env.REDIS_URL });
redis.connect().catch(console.error);

app.set('trust proxy', 1);
app.use(
  session({
    store: new RedisStore({ client: redis }),
    secret: process.env.SESSION_SECRET,
    resave: false,
    saveUninitialized: false,
    cookie: { secure: true, httpOnly: true, sameSite: 'lax', maxAge: 86400000 },
  }),
);

const io = new Server(server, {
  cors: { origin: process.env.CLIENT_ORIGIN, credentials: true },
});

const MAX_MESSAGE_LENGTH = 500;
const rooms = new Map();

io.on('connection', (socket) => {
  socket.on('join', async (roomId) => {
    if (typeof roomId !== 'string' || !/^[a-z0-9-]{1,40}$/.test(roomId)) return;
    socket.join(roomId);
    const history = await redis.lRange(`room:${roomId}:messages`, -50, -1);
    socket.emit('history', history.map((item) => JSON.parse(item)));
  });

  socket.on('message', async ({ roomId, text }) => {
    if (typeof text !== 'string' || !text.trim()) return;
    const message = {
      id: crypto.randomUUID(),
      text: text.slice(0, MAX_MESSAGE_LENGTH),
      at: Date.now(),
    };
    await redis.rPush(`room:${roomId}:messages`, JSON.stringify(message));
    await redis.lTrim(`room:${roomId}:messages`, -200, -1);
    io.to(roomId).emit('message', message);
    rooms.set(roomId, (rooms.get(roomId) || 0) + 1);
  });
});

app.get('/stats', (req, res) => {
  res.json(Object.fromEntries(rooms));
});

server.listen(process.env.PORT || 4000);
