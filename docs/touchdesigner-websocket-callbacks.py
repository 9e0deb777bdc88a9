# nowplaying-hub -> TouchDesigner: callbacks for a WebSocket DAT connected to the bridge
# (ws://<bridge machine>:9980). Paste into the WebSocket DAT's callbacks DAT.
#
# It keeps a Table DAT named 'nowplaying' (create it next to the WebSocket DAT) with one
# row per field: name | value. Point Text TOPs, Select DATs or CHOP Execute logic at it.

import json

FIELDS = [
    'state', 'is_playing', 'track', 'artists', 'album', 'art', 'id', 'uri',
    'duration_ms', 'progress_ms', 'server_time', 'user', 'turn_ends_at', 'queue_length', 'seq',
    'color_vibrant', 'color_dark_vibrant', 'color_light_vibrant',
    'color_muted', 'color_dark_muted', 'color_light_muted',
]

SWATCHES = ['vibrant', 'dark_vibrant', 'light_vibrant', 'muted', 'dark_muted', 'light_muted']


def _table():
    table = op('nowplaying')
    if table.numRows != len(FIELDS):
        table.clear()
        for name in FIELDS:
            table.appendRow([name, ''])
    return table


def _set(table, name, value):
    table[name, 1] = '' if value is None else value


def onReceiveText(dat, rowIndex, message):
    try:
        event = json.loads(message)
    except ValueError:
        return
    table = _table()
    data = event.get('data') or {}
    if event.get('event') == 'now_playing':
        item = data.get('item') or {}
        album = item.get('album') or {}
        images = album.get('images') or []
        user = data.get('user') or {}
        _set(table, 'state', data.get('state'))
        _set(table, 'is_playing', 1 if data.get('is_playing') else 0)
        _set(table, 'track', item.get('name'))
        _set(table, 'artists', ', '.join(a.get('name', '') for a in item.get('artists') or []))
        _set(table, 'album', album.get('name'))
        _set(table, 'art', images[0]['url'] if images else '')
        _set(table, 'id', item.get('id'))
        _set(table, 'uri', item.get('uri'))
        _set(table, 'duration_ms', item.get('duration_ms'))
        _set(table, 'progress_ms', data.get('progress_ms'))
        _set(table, 'server_time', data.get('server_time'))
        _set(table, 'user', user.get('display_name'))
        _set(table, 'turn_ends_at', data.get('turn_ends_at'))
        _set(table, 'seq', data.get('seq'))
        # Colours of the album art as '#rrggbb'. A new track's first message may have none yet
        # (a second one follows within a second); keep the last colour until then, as OSC does.
        palette = item.get('palette') or {}
        for swatch in SWATCHES:
            if palette.get(swatch):
                _set(table, 'color_' + swatch, palette[swatch])
    elif event.get('event') == 'queue':
        _set(table, 'queue_length', data.get('length'))
    return


def onConnect(dat):
    return


def onDisconnect(dat):
    return


def onReceiveBinary(dat, contents):
    return


def onReceivePing(dat, contents):
    dat.sendPong(contents)
    return


def onReceivePong(dat, contents):
    return


def onMonitorMessage(dat, message):
    return
