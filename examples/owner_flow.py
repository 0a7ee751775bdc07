#!/usr/bin/python3
"""The owner's side of lending a Misty II through mistyproxy, and the borrowers' side of it.

The owner (as hardshare and the rerobots client do) lets everyone borrow the robot
(`hardshare rules --permit-all`), denies one user, locks the robot out and lifts
the lock; two borrowers take turns: the first holds the robot, the second is
refused by the deny rule, then (rule deleted) reserves and waits in the
use-queue, and gets the robot when the first lets go and the owner unlocks. The
second borrower's event URL (a receiver this script runs on loopback) hears of
the hand-over.

The `rerobots` package cannot be installed here, so OwnerAPIClient below sends
exactly the HTTP requests of the rerobots client and hardshare (routes, bodies
and fields as in the control API contract, rerobots-addon-api.md), with
python3-requests. With the real client, use its methods of the same names.

Usage: owner_flow.py --base-uri URL --owner-token T --first-token T --second-token T
                     --second-user NAME --deployment ID [--check]
With --check, exits 1 unless every step answers as the contract says.
"""

import argparse
import http.server
import json
import sys
import threading
import time

import requests


class Error(Exception):
    pass


class OwnerAPIClient:
    """The calls of rerobots.api.APIClient and hardshare used here, one HTTP request each."""

    def __init__(self, api_token, base_uri):
        self.headers = {'Authorization': 'Bearer ' + api_token}
        self.base = base_uri

    def _call(self, method, path, body=None, params=None, ok_only=True):
        res = requests.request(method, self.base + path, headers=self.headers, params=params,
                               data=None if body is None else json.dumps(body))
        if ok_only and not res.ok:
            raise Error('{} {} -> {}: {}'.format(method, path, res.status_code, res.text))
        return res

    # access rules (rerobots get_access_rules / add_access_rule / del_access_rule; hardshare rules)
    def get_access_rules(self, wdeployment_id=None, to_user=None):
        path = '/rules' if wdeployment_id is None else '/deployment/{}/rules'.format(wdeployment_id)
        params = {'to_user': to_user} if to_user is not None else None
        return self._call('GET', path, params=params).json()['rules']

    def add_access_rule(self, wdeployment_id, capability, to_user=None):
        body = {'cap': capability}
        if to_user is not None:
            body['user'] = to_user
        return self._call('POST', '/deployment/{}/rule'.format(wdeployment_id), body).json()['rule_id']

    def del_access_rule(self, wdeployment_id, rule_id):
        self._call('DELETE', '/deployment/{}/rule/{}'.format(wdeployment_id, rule_id))

    # lock-out (hardshare lock / unlock)
    def lock(self, wdeployment_id):
        self._call('POST', '/deployment/{}/lockout'.format(wdeployment_id))

    def unlock(self, wdeployment_id):
        self._call('DELETE', '/deployment/{}/lockout'.format(wdeployment_id))

    # deployments, instances, reservations (rerobots client)
    def get_wdeployment_info(self, wdeployment_id):
        return self._call('GET', '/deployment/{}'.format(wdeployment_id)).json()

    def queuelen(self, wdeployment_id):
        return self._call('GET', '/queuelen/{}'.format(wdeployment_id)).json()['queuelen']

    def request_instance(self, type_or_wdeployment_id, reserve=False, event_url=None):
        body = {'reserve': reserve}
        if event_url is not None:
            body['eurl'] = event_url
        res = self._call('POST', '/new/' + type_or_wdeployment_id, body, ok_only=False)
        payload = res.json()
        if res.ok:
            return payload
        raise Error(payload.get('result_message', payload.get('error_message')))

    def get_instances(self):
        return self._call('GET', '/instances').json()['workspace_instances']

    def get_instance_info(self, instance_id):
        return self._call('GET', '/instance/' + instance_id).json()

    def terminate_instance(self, instance_id):
        self._call('POST', '/terminate/' + instance_id)

    def get_reservations(self):
        return self._call('GET', '/reservations').json()['reservations']

    def cancel_reservation(self, reservation_id):
        self._call('DELETE', '/reservation/' + reservation_id)


class EventReceiver:
    """A loopback HTTP server that keeps the JSON bodies POSTed to it (the eurl)."""

    def __init__(self):
        events = self.events = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get('Content-Length', 0))
                events.append(json.loads(self.rfile.read(n)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = 'http://127.0.0.1:{}/hook'.format(self.server.server_address[1])


def wait_for(what, condition, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise Error('timed out waiting for ' + what)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for a in ('--base-uri', '--owner-token', '--first-token', '--second-token', '--second-user', '--deployment'):
        ap.add_argument(a, required=True)
    ap.add_argument('--check', action='store_true')
    args = ap.parse_args()
    owner = OwnerAPIClient(args.owner_token, args.base_uri)
    first = OwnerAPIClient(args.first_token, args.base_uri)
    second = OwnerAPIClient(args.second_token, args.base_uri)
    wd = args.deployment
    problems = []

    def expect(cond, what):
        print(('ok   ' if cond else 'FAIL ') + what)
        if not cond:
            problems.append(what)

    # the owner: who may borrow
    permit_all = owner.add_access_rule(wd, 'CAP_INSTANTIATE', to_user='*')
    deny = owner.add_access_rule(wd, 'CAP_NO_INSTANTIATE', to_user=args.second_user)
    rules = owner.get_access_rules(wd)
    expect({r['id'] for r in rules} >= {permit_all, deny}, 'owner lists rules {} and {}'.format(permit_all, deny))
    expect([r['user'] for r in second.get_access_rules(wd)] == ['*', args.second_user],
           'the second borrower sees only the rules about itself')
    info = owner.get_wdeployment_info(wd)
    expect(info['lockout'] is False and len(info['cap']) >= 2, 'deployment info shows lockout and cap to the owner')

    # the first borrower takes the robot
    iid = first.request_instance(wd)['id']
    wait_for('READY', lambda: first.get_instance_info(iid)['status'] == 'READY')
    expect(owner.queuelen(wd) == 1, 'queuelen 1 while held and nobody waits')

    # the second is refused by the deny rule, by name
    try:
        second.request_instance(wd, reserve=True)
        expect(False, 'the deny rule refuses the second borrower')
    except Error as e:
        expect('access rule {}'.format(deny) in str(e), 'refused: ' + str(e))

    # the owner lifts the deny; the second reserves and waits
    owner.del_access_rule(wd, deny)
    receiver = EventReceiver()
    made = second.request_instance(wd, reserve=True, event_url=receiver.url)
    expect(made['success'] is False, 'busy: POST /new with reserve answers success false and reservation ' + made['id'])
    expect([r['id'] for r in second.get_reservations()] == [made['id']], 'the second borrower lists its reservation')
    expect(made['id'] in [r['id'] for r in owner.get_reservations()], 'the owner sees it too')
    expect(owner.queuelen(wd) == 2, 'queuelen 2: held, one waiting')

    # the owner locks the robot out; the first borrower's instance goes on, then ends
    owner.lock(wd)
    expect(owner.get_wdeployment_info(wd)['lockout'] is True, 'locked out')
    expect(first.get_instance_info(iid)['status'] == 'READY', 'the live instance goes on')
    first.terminate_instance(iid)
    # a hand-over happens inside the terminate call, before it answers: none may happen while locked
    expect(second.get_instances() == [], 'no hand-over while locked')
    expect(owner.queuelen(wd) == 2, 'queuelen 2: free but locked, one waiting')

    # unlocking hands the robot to the reservation's holder; its eurl hears of it
    owner.unlock(wd)
    iid2 = wait_for('the reservation to become an instance', lambda: (second.get_instances() or [None])[0])
    wait_for('READY', lambda: second.get_instance_info(iid2)['status'] == 'READY')
    wait_for('the eurl POST', lambda: any(e['kind'] == 'reservation' and e['status'] == 'SERVED' for e in receiver.events))
    wait_for('the eurl POST', lambda: any(e['id'] == iid2 and e['status'] == 'READY' for e in receiver.events))
    expect(True, 'reservation served as instance {}; eurl got {}'.format(iid2, [e['kind'] + ':' + e['status'] for e in receiver.events]))
    second.terminate_instance(iid2)
    expect(owner.queuelen(wd) == 0, 'queuelen 0: free, nobody waits')
    owner.del_access_rule(wd, permit_all)

    if args.check:
        if problems:
            print('check failed: ' + '; '.join(problems))
            return 1
        print('check passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
