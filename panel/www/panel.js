// The room panel: the wall touchscreen of a darkened room. Everything it shows and does is the
// shared room view (room-view.js); the panel adds nothing but its own page.
'use strict';
new window.Stillroom.RoomView({ clinical: true }).boot();
