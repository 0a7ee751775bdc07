#!/usr/bin/python3
"""The everyday reads of the rerobots client and its CLI against mistyproxy.

What a new user does with the rerobots Python client and the `rerobots`
command, with their defaults, changing only the base URI:

    apic = APIClient(base_uri=BASE)            # anonymous: no token at all
    apic.get_wtypes(); apic.get_wdeployments(page=1, max_per_page=1)
    apic.get_wdeployment_info(wdeployment_id)  # rerobots wdinfo
    rerobots search [QUERY]                    # GET /deployments?info=t[&q=QUERY]&types=!user_provided

    apic = APIClient(api_token=TOKEN, base_uri=BASE)
    inst = Instance(['fixed_misty2'], apic=apic)
    inst.activate_addon_cam()
    inst.get_snapshot_cam()                    # camera 0, JPEG
    inst.get_snapshot_cam(dformat='ndarray')   # HxWx3 uint8, decoded with PIL
    inst.terminate()
    apic.get_reservations(); apic.cancel_reservation(reservation_id)
    apic.revoke_token(token=TOKEN)

The `rerobots` package cannot be installed here, so APIClient, Instance and the
two CLI commands below are a shim with the same names and signatures that
sends exactly the HTTP requests rerobots sends (rerobots/api.py and
instances.py of the Python client; src/client.rs and src/cli.rs of the CLI:
paths, query strings in the same order and encoding, bodies), using
python3-requests. With the real client, delete the shim and
`from rerobots.api import APIClient` / `from rerobots import Instance`.

Usage: rerobots_client_calls.py --base-uri URL --api-token TOKEN --spare-token TOKEN
                                [--unlisted ID] [--check]
--spare-token is another user's token: it reserves the deployment --api-token
holds, lists and cancels that reservation, and is revoked at the end (it is then
dead). --unlisted names a deployment configured `listed: false` that
--api-token's user may instantiate. With --check, exits 1 unless every call
answers as the rerobots service does.
"""

import argparse
import base64
import hashlib
import json
import re
import sys
import time
from io import BytesIO

import requests


# ---- shim: same HTTP calls as the rerobots client -------------------------

class Error(Exception):
    pass


class BusyWorkspaceDeployment(Error):
    pass


class InstanceNotFound(Error):
    pass


class WrongAuthToken(Error):
    pass


def _raise_for(res, not_found=None):
    """The client's reading of an error answer: JSON error_message, exact strings."""
    try:
        payload = res.json()
    except ValueError:
        raise Error(res.text)
    if 'error_message' in payload:
        if payload['error_message'] == 'wrong authorization token':
            raise WrongAuthToken('wrong authorization token')
        if not_found is not None and payload['error_message'] == 'instance not found':
            raise InstanceNotFound(not_found)
        raise Error(payload['error_message'])
    raise Error(payload)


class APIClient:
    def __init__(self, api_token=None, headers=None, ignore_env=False, base_uri=None, verify=True):
        self.__api_token = api_token
        self.__headers = dict(headers or {})
        if self.__api_token:
            self.__headers['Authorization'] = 'Bearer ' + self.__api_token
        self.__base_uri = base_uri or 'https://api.rerobots.net'
        self.__verify_certs = verify

    def _get(self, path, params=None):
        return requests.get(self.__base_uri + path, params=params, headers=self.__headers, verify=self.__verify_certs)

    def _post(self, path, data=None):
        return requests.post(self.__base_uri + path, data=data, headers=self.__headers, verify=self.__verify_certs)

    def get_wtypes(self):
        res = self._get('/workspaces')
        if not res.ok:
            raise Error(res.text)
        return res.json()['workspace_types']

    def get_wdeployments(self, query=None, maxlen=None, types=None, page=None, max_per_page=None):
        params = {}
        if max_per_page is not None:
            params['max_per_page'] = max_per_page
            if page is not None:
                params['page'] = page
        if query is not None:
            params['q'] = query
        if maxlen is not None:
            params['maxlen'] = maxlen
        if types is not None:
            params['types'] = ','.join(types)
        params['info'] = 't'
        res = self._get('/deployments', params=params)
        if not res.ok:
            raise Error(res.text)
        payload = res.json()
        out = [{'id': w, 'type': payload['info'][w]['type'], 'region': payload['info'][w]['region'],
                'queuelen': payload['info'][w]['queuelen']} for w in payload['workspace_deployments']]
        if max_per_page is None:
            return out
        return out, payload.get('page_count', None)

    def get_wdeployment_info(self, wdeployment_id):
        res = self._get('/deployment/' + wdeployment_id)
        if not res.ok:
            raise Error(res.text)
        return res.json()

    def get_instances(self, include_terminated=False, page=None, max_per_page=None):
        params = {}
        if include_terminated:
            params['include_terminated'] = ''
        if max_per_page is not None:
            params['max_per_page'] = max_per_page
            if page is not None:
                params['page'] = page
        res = self._get('/instances', params=params)
        if not res.ok:
            _raise_for(res)
        payload = res.json()
        if max_per_page is None:
            return payload['workspace_instances']
        return payload['workspace_instances'], payload['page_count']

    def get_instance_info(self, instance_id):
        res = self._get('/instance/' + instance_id)
        if not res.ok:
            _raise_for(res, not_found='no instance with identifier {}'.format(instance_id))
        return res.json()

    def request_instance(self, type_or_wdeployment_id, sshkey=None, vpn=False, reserve=False,
                         event_url=None, duration=None):
        body = {}
        if sshkey is not None:
            body['sshkey'] = sshkey
        if duration is not None:
            body['expire_d'] = duration
        if vpn:
            body['vpn'] = vpn
        body['reserve'] = reserve
        if event_url is not None:
            body['eurl'] = event_url
        res = self._post('/new/' + type_or_wdeployment_id, data=json.dumps(body))
        if res.ok:
            return res.json()
        payload = res.json()
        errmsg = payload.get('result_message', payload.get('error'))
        if errmsg is None:
            raise Error(payload)
        if errmsg.startswith('All matching workspace deployments are busy'):
            raise BusyWorkspaceDeployment(errmsg)
        raise Error(errmsg)

    def terminate_instance(self, instance_id):
        res = self._post('/terminate/' + instance_id)
        if not res.ok:
            raise Error(res.json().get('result_message', res.text))

    def activate_addon_cam(self, instance_id):
        res = self._post('/addon/cam/' + instance_id)
        if not res.ok:
            raise Error(res.text)

    def status_addon_cam(self, instance_id):
        res = self._get('/addon/cam/' + instance_id)
        if not res.ok and res.status_code != 404:
            raise Error(res.text)
        if res.status_code == 404:
            return {'status': 'notfound'}
        return res.json()

    def get_snapshot_cam(self, instance_id, camera_id=0, coding=None, dformat=None):
        res = self._get('/addon/cam/{}/{}/img'.format(instance_id, camera_id))
        if not res.ok:
            if res.status_code == 404:
                raise Error('instance {} not found, or cam add-on not active'.format(instance_id))
            raise Error(res.text)
        payload = res.json()
        if not payload['success']:
            return payload
        if 'coding' in payload and payload['coding'] != coding:
            if coding is None and payload['coding'] == 'base64':
                payload['data'] = base64.b64decode(payload['data'])
                payload['coding'] = None
        if dformat is not None and payload['format'].lower() != dformat:
            if dformat == 'ndarray':
                from PIL import Image
                import numpy as np
                img = Image.open(BytesIO(payload['data']))
                payload['data'] = np.array(img.getdata(), dtype=np.uint8).reshape(img.size[1], img.size[0], 3)
                payload['format'] = 'ndarray'
        return payload

    def get_reservations(self):
        res = self._get('/reservations')
        if not res.ok:
            raise Error(res.text)
        return res.json()['reservations']

    def cancel_reservation(self, reservation_id):
        res = requests.delete(self.__base_uri + '/reservation/' + reservation_id, headers=self.__headers,
                              verify=self.__verify_certs)
        if not res.ok:
            raise Error(res.text)

    def revoke_token(self, token=None, sha256=None):
        if token is not None:
            sha256 = hashlib.sha256(token.encode()).hexdigest()
        res = self._post('/revoke/' + sha256)
        if not res.ok:
            raise Error(res.text)


class Instance:
    def __init__(self, workspace_types=None, wdeployment_id=None, instance_id=None,
                 api_token=None, headers=None, apic=None):
        self.apic = apic if apic is not None else APIClient(api_token=api_token, headers=headers)
        if workspace_types is not None:
            candidates = self.apic.get_wdeployments(types=workspace_types)
            if not candidates:
                raise ValueError('no deployments found with any type in {}'.format(workspace_types))
            self._wdeployment_id = candidates[0]['id']
        else:
            self._wdeployment_id = wdeployment_id
        payload = self.apic.request_instance(self._wdeployment_id, reserve=False)
        self._id = payload['id']
        self._status = 'INIT'
        self._details = None

    def get_status(self):
        payload = self.apic.get_instance_info(self._id)
        if self._details is None:
            self._details = {'type': payload['type'], 'region': payload['region'], 'starttime': payload['starttime']}
        self._status = payload['status']
        return self._status

    def get_details(self):
        status = self.get_status()
        res = self._details.copy()
        res['status'] = status
        return res

    def activate_addon_cam(self):
        self.apic.activate_addon_cam(self._id)

    def status_addon_cam(self):
        return self.apic.status_addon_cam(self._id)

    def get_snapshot_cam(self, camera_id=0, coding=None, dformat=None):
        return self.apic.get_snapshot_cam(self._id, camera_id=camera_id, coding=coding, dformat=dformat)

    def terminate(self):
        self.apic.terminate_instance(self._id)


# ---- shim: what the `rerobots` command sends (Rust CLI, src/client.rs) -----

def cli_search(base_uri, query=None, token=None):
    """`rerobots search [QUERY]`: the query string is built by hand, not encoded."""
    path = '/deployments?info=t'
    if query is not None:
        path += '&q={}'.format(query)
    path += '&types={}'.format(','.join(['!user_provided']))
    headers = {'Authorization': 'Bearer ' + token} if token else {}
    res = requests.get(base_uri + path, headers=headers)
    if res.status_code != 200:
        raise Error('server indicated error: {} {}'.format(res.status_code, res.text))
    payload = res.json()
    return [(wd, payload['info'][wd]['type']) for wd in payload['workspace_deployments']]


def cli_wdinfo(base_uri, wdeployment_id):
    """`rerobots wdinfo ID` without a token (with one it also reads the access rules)."""
    res = requests.get(base_uri + '/deployment/{}'.format(wdeployment_id))
    if res.status_code == 404:
        raise Error('workspace deployment not found')
    if res.status_code != 200:
        raise Error('server indicated error: {}'.format(res.status_code))
    return res.json()


# ---- the checks ------------------------------------------------------------

REROBOTS_TIME = re.compile(r'^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$')
failures = []


def expect(ok, what):
    print(('ok    ' if ok else 'FAIL  ') + what)
    if not ok:
        failures.append(what)


def raises(exc, fn):
    try:
        fn()
    except exc:
        return True
    except Exception as e:  # the wrong error is a failure too
        print('      raised {}: {}'.format(type(e).__name__, e))
        return False
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--base-uri', required=True)
    ap.add_argument('--api-token', required=True)
    ap.add_argument('--spare-token', required=True)
    ap.add_argument('--unlisted')
    ap.add_argument('--check', action='store_true')
    args = ap.parse_args()
    base = args.base_uri

    # 1. anonymous, as the client's own tests for the real service (tests/realserv/test_anonymous.py)
    anon = APIClient(ignore_env=True, base_uri=base)
    wtypes = anon.get_wtypes()
    print('workspace types', wtypes)
    expect('fixed_misty2' in wtypes, 'anonymous get_wtypes() lists fixed_misty2')
    first, page_count = anon.get_wdeployments(page=1, max_per_page=1)
    expect(len(first) == 1 and page_count >= 1, 'anonymous get_wdeployments(page=1, max_per_page=1): one of {} pages'.format(page_count))
    details = anon.get_wdeployment_info(first[0]['id'])
    expect('id' in details and 'type' in details, 'anonymous get_wdeployment_info() has id and type')
    expect(bool(REROBOTS_TIME.match(details.get('created', ''))), 'created in the rerobots form: ' + str(details.get('created')))
    expect('addons_config' not in details, 'no addons_config (the robot address) for an anonymous caller')
    expect(raises(WrongAuthToken, anon.get_instances), 'anonymous get_instances() raises WrongAuthToken')
    bad = APIClient(api_token='deadbeef', ignore_env=True, base_uri=base)
    expect(raises(WrongAuthToken, bad.get_instances), "get_instances() with token 'deadbeef' raises WrongAuthToken")
    try:
        bad.get_wtypes()
        expect(False, 'a wrong token is refused on reads too')
    except Error as e:
        expect('wrong authorization token' in str(e), 'a wrong token is refused on reads too: ' + str(e))

    # 2. `rerobots search` and `rerobots wdinfo`, anonymous and with a token
    found = cli_search(base)
    print('rerobots search ->', found)
    types = set(t for _, t in found)
    expect(len(found) > 0 and 'user_provided' not in types, 'rerobots search: some deployments, none user_provided')
    if args.unlisted:
        expect(args.unlisted not in [w for w, _ in found], 'rerobots search (anonymous) does not show the unlisted deployment')
        mine = [w for w, _ in cli_search(base, token=args.api_token)]
        expect(args.unlisted in mine, 'rerobots search with a token that may instantiate it shows the unlisted deployment')
        # strictly the 404 of an id that does not exist, on every anonymous read that names it
        unknown = '00000000-0000-4000-8000-000000000000'
        for path in ('/deployment/{}', '/queuelen/{}'):
            hidden = requests.get(base + path.format(args.unlisted))
            absent = requests.get(base + path.format(unknown))
            expect(hidden.status_code == 404 and hidden.text == absent.text,
                   'GET {} (anonymous) of the unlisted one: {} {}, as for an unknown id'.format(
                       path, hidden.status_code, hidden.text.strip()))
        try:
            cli_wdinfo(base, args.unlisted)
            expect(False, 'rerobots wdinfo (anonymous) of the unlisted one: not found')
        except Error as e:
            expect(str(e) == 'workspace deployment not found', 'rerobots wdinfo (anonymous) of the unlisted one: ' + str(e))
    expect(len(cli_search(base, query='BENCH')) > 0, 'rerobots search BENCH (description, any case)')
    expect(cli_search(base, query='no-such-thing') == [], 'rerobots search no-such-thing: nothing')
    info = cli_wdinfo(base, found[0][0])
    expect(info['id'] == found[0][0], 'rerobots wdinfo ' + found[0][0])

    # 3. the search parameters of get_wdeployments()
    everything = anon.get_wdeployments()
    garage = [d for d in everything if d['type'] == 'user_provided']
    if garage:
        hits = anon.get_wdeployments(query=garage[0]['region'].upper())
        expect([d['id'] for d in hits] == [garage[0]['id']], 'get_wdeployments(query=REGION) finds by region, any case')
    expect(len(anon.get_wdeployments(types=['!user_provided'])) == len(everything) - len(garage), "types=['!user_provided']")
    huge, count = anon.get_wdeployments(page=3, max_per_page=2147483647)
    expect(len(huge) == len(everything) and count == 1, 'page=3, max_per_page=2147483647: everything on the one (last) page')
    res = requests.get(base + '/deployments', params={'max_per_page': '1' + '0' * 30, 'page': '9' * 30, 'info': 't'})
    expect(res.status_code == 200, 'paging values of any size: {}'.format(res.status_code))
    res = requests.get(base + '/deployments', params={'page': '0'})
    expect(res.status_code == 400 and 'page' in res.json().get('error_message', ''), 'page=0: 400 naming the parameter')

    # 4. borrow a robot with the defaults: an instance, its times, the queue, camera 0
    apic = APIClient(api_token=args.api_token, base_uri=base)
    inst = Instance(['fixed_misty2'], apic=apic)
    deadline = time.time() + 30
    while inst.get_status() == 'INIT' and time.time() < deadline:
        time.sleep(0.2)
    d = inst.get_details()
    print('instance', inst._id, d)
    expect(d['status'] == 'READY', 'instance READY')
    expect(bool(REROBOTS_TIME.match(d['starttime'])), 'starttime in the rerobots form: ' + d['starttime'])
    queuelen = requests.get(base + '/queuelen/' + inst._wdeployment_id).json()['queuelen']
    expect(queuelen == 1, 'GET /queuelen/{id} of the held deployment: 1')
    free = anon.get_wdeployments(types=['fixed_misty2'], maxlen=0)
    expect(inst._wdeployment_id not in [x['id'] for x in free], 'maxlen=0 leaves out the held deployment')

    # the use-queue as the client sees it: another user reserves the held robot, lists, cancels
    spare = APIClient(api_token=args.spare_token, base_uri=base)
    made = spare.request_instance(inst._wdeployment_id, reserve=True)
    expect(made['success'] is False and bool(made.get('id')), 'request_instance(reserve=True) on a busy robot: a reservation')
    mine = spare.get_reservations()
    print('reservations', mine)
    expect([r['id'] for r in mine] == [made['id']], 'get_reservations() lists it')
    expect(bool(REROBOTS_TIME.match(mine[0]['created'])) and mine[0]['desc'] == 'deployment ' + inst._wdeployment_id,
           'its created and desc: {} / {}'.format(mine[0]['created'], mine[0]['desc']))
    expect(made['id'] not in [r['id'] for r in apic.get_reservations()], "another user's reservation is not listed to a user")
    expect(requests.get(base + '/queuelen/' + inst._wdeployment_id).json()['queuelen'] == 2, 'queuelen 2: held, one waiting')
    spare.cancel_reservation(made['id'])
    expect(spare.get_reservations() == [], 'cancel_reservation(): gone')
    expect(raises(Error, lambda: spare.cancel_reservation(made['id'])), 'cancelling it again is an error')
    try:
        inst.activate_addon_cam()
        deadline = time.time() + 30
        while inst.status_addon_cam()['status'] != 'active' and time.time() < deadline:
            time.sleep(0.2)
        snap = inst.get_snapshot_cam()  # camera 0, no coding: JPEG bytes
        # a camera that has just started may not have a frame yet: {"success": false, "message": ...}
        while not snap['success'] and time.time() < deadline:
            print('      no frame yet:', snap.get('message'))
            time.sleep(0.2)
            snap = inst.get_snapshot_cam()
        print('camera 0:', snap.get('format'), len(snap.get('data', b'')), 'bytes')
        expect(snap['success'] and snap['format'].lower() == 'jpeg' and snap['data'][:2] == b'\xff\xd8',
               'get_snapshot_cam(): a JPEG')
        arr = inst.get_snapshot_cam(dformat='ndarray')
        shape = arr['data'].shape
        expect(arr['format'] == 'ndarray' and len(shape) == 3 and shape[2] == 3, "get_snapshot_cam(dformat='ndarray'): {}".format(shape))
    finally:
        inst.terminate()
    ended = apic.get_instance_info(inst._id)
    expect(ended['status'] == 'TERMINATED' and bool(REROBOTS_TIME.match(ended.get('endtime', ''))),
           'endtime in the rerobots form: ' + str(ended.get('endtime')))
    expect(requests.get(base + '/queuelen/' + inst._wdeployment_id).json()['queuelen'] == 0, 'queuelen 0 once free')

    # 5. revoke_token(): the spare token revokes itself, and is dead at once
    spare.get_instances()
    spare.revoke_token(token=args.spare_token)
    expect(raises(WrongAuthToken, spare.get_instances), 'after revoke_token(), WrongAuthToken')
    expect(len(apic.get_instances(include_terminated=True)) >= 1, 'other tokens unaffected')

    if args.check:
        print('check', 'passed' if not failures else 'FAILED: ' + '; '.join(failures))
        return 0 if not failures else 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
