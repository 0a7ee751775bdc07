#!/usr/bin/python3
"""The owner's side of lending a Misty II through mistyproxy, and the borrowers' side of it.

The owner (as hardshare and the rerobots client do) lets everyone borrow the robot
(`hardshare rules --permit-all`), denies one user, locks the robot out and lifts
the lock; two borrowers take turns: the first holds the robot, the second is
refused by the deny rule, then (rule deleted) reserves, cancels that reservation
(`cancel_reservation`), reserves again and waits in the use-queue, and gets the
robot when the first lets go and the owner unlocks. The second borrower's event
URL (a receiver this script runs on loopback) hears of the cancellation and the
hand-over. At the end the borrowers withdraw their API tokens: the first revokes
the one it uses (`revoke_token`), the second, which holds two, revokes both at
once (`purge`); the proxy URL the second was given keeps working until the owner
terminates its instance (URLs belong to the instance, not to the API token).

The `rerobots` package cannot be installed here, so OwnerAPIClient below sends
exactly the HTTP requests of the rerobots client and hardshare (routes, bodies
and fields as in the control API contract, rerobots-addon-api.md), with
python3-requests. With the real client, use its methods of the same names.

Usage: owner_flow.py --base-uri URL --owner-token T --first-token T --second-token T
                     --second-other-token T --second-user NAME --deployment ID [--check]
--second-other-token is another token of the second borrower's user. The
borrowers' tokens are dead afterwards. With --check, exits 1 unless every step
answers as the contract says.
"""

import argparse
import hashlib
import http.server
import json
import sys
import threading
import time

import requests


class Error(Exception):
    pass


class WrongAuthToken(Error):
    pass


class OwnerAPIClient:
    """The calls of rerobots.api.APIClient and hardshare used here, one HTTP request each."""

    def __init__(self, api_token, base_uri):
        self.headers = {'Authorization': 'Bearer ' + api_token}
        self.base = base_uri

    def _call(self, method, path, body=None, params=None, ok_only=True, as_json=False):
        # as_json: the body goes as requests' json= (Content-Type: application/json), as
        # create_access_rule sends it; otherwise as data=json.dumps(...), as request_instance does
        kwargs = {'json': body} if as_json else {'data': None if body is None else json.dumps(body)}
        res = requests.request(method, self.base + path, headers=self.headers, params=params, **kwargs)
        if ok_only and not res.ok:
            # the client's reading: this exact error_message is WrongAuthToken
            if res.status_code == 401 and res.json().get('error_message') == 'wrong authorization token':
                raise WrongAuthToken('wrong authorization token')
            raise Error('{} {} -> {}: {}'.format(method, path, res.status_code, res.text))
        return res

    # access rules (rerobots get_access_rules / create_access_rule / del_access_rule; hardshare rules)
    def get_access_rules(self, wdeployment_id=None, to_user=None):
        path = '/rules' if wdeployment_id is None else '/deployment/{}/rules'.format(wdeployment_id)
        params = {'to_user': to_user} if to_user is not None else None
        return self._call('GET', path, params=params).json()['rules']

    def create_access_rule(self, wdeployment_id, capability, to_user=None):
        body = {'cap': capability}
        if to_user is not None:
            body['user'] = to_user
        return self._call('POST', '/deployment/{}/rule'.format(wdeployment_id), body, as_json=True).json()['rule_id']

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

    # add-on mistyproxy (rerobots activate_addon_mistyproxy / status_addon_mistyproxy)
    def activate_addon_mistyproxy(self, instance_id):
        self._call('POST', '/addon/mistyproxy/' + instance_id)

    def status_addon_mistyproxy(self, instance_id):
        res = self._call('GET', '/addon/mistyproxy/' + instance_id, ok_only=False)
        if res.status_code == 404:
            return {'status': 'notfound'}
        if not res.ok:
            raise Error(res.text)
        return res.json()

    # tokens (rerobots revoke_token / purge)
    def revoke_token(self, token=None, sha256=None):
        if token is not None:
            token_hash = hashlib.sha256(token.encode()).hexdigest()
            if sha256 is not None and sha256 != token_hash:
                raise ValueError('both token or sha256 given, but SHA256(token) != sha256')
            sha256 = token_hash
        elif sha256 is None:
            raise ValueError('token or sha256 must be non-None')
        self._call('POST', '/revoke/' + sha256)

    def purge(self):
        self._call('POST', '/purge')


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
    for a in ('--base-uri', '--owner-token', '--first-token', '--second-token', '--second-other-token',
              '--second-user', '--deployment'):
        ap.add_argument(a, required=True)
    ap.add_argument('--check', action='store_true')
    args = ap.parse_args()
    owner = OwnerAPIClient(args.owner_token, args.base_uri)
    first = OwnerAPIClient(args.first_token, args.base_uri)
    second = OwnerAPIClient(args.second_token, args.base_uri)
    second_other = OwnerAPIClient(args.second_other_token, args.base_uri)
    wd = args.deployment
    problems = []

    def expect(cond, what):
        print(('ok   ' if cond else 'FAIL ') + what)
        if not cond:
            problems.append(what)

    # the owner: who may borrow
    permit_all = owner.create_access_rule(wd, 'CAP_INSTANTIATE', to_user='*')
    deny = owner.create_access_rule(wd, 'CAP_NO_INSTANTIATE', to_user=args.second_user)
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

    # the owner lifts the deny; the second reserves, thinks better of it, reserves again and waits
    owner.del_access_rule(wd, deny)
    receiver = EventReceiver()
    dropped = second.request_instance(wd, reserve=True, event_url=receiver.url)
    expect(dropped['success'] is False and [r['id'] for r in second.get_reservations()] == [dropped['id']],
           'reserved: ' + dropped['id'])
    second.cancel_reservation(dropped['id'])
    expect(second.get_reservations() == [] and owner.queuelen(wd) == 1, 'cancel_reservation(): gone, queuelen back to 1')
    wait_for('the eurl POST', lambda: any(e['id'] == dropped['id'] and e['status'] == 'CANCELLED' for e in receiver.events))
    try:
        second.cancel_reservation(dropped['id'])
        expect(False, 'a cancelled reservation cannot be cancelled again')
    except Error as e:
        expect('404' in str(e), 'cancelling it again: ' + str(e))
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

    # the borrowers withdraw their API tokens (POST /revoke/{sha256}, POST /purge)
    first.revoke_token(token=args.first_token)  # a token may revoke itself
    try:
        first.get_instances()
        expect(False, 'a revoked token is refused')
    except WrongAuthToken:
        expect(True, 'revoke_token(): the next call is WrongAuthToken')
    second.activate_addon_mistyproxy(iid2)
    url = second.status_addon_mistyproxy(iid2)['url'][1]
    second.purge()
    for who, client in (('the token purge was called with', second), ("the user's other token", second_other)):
        try:
            client.get_reservations()
            expect(False, 'purge(): ' + who + ' is refused')
        except WrongAuthToken:
            expect(True, 'purge(): ' + who + ' is refused')
    expect(requests.get(url + '/api/battery').status_code == 200,
           "the purged borrower's proxy URL still works: it belongs to the instance")
    owner.terminate_instance(iid2)  # the owner may end any instance, and its URLs with it
    expect(requests.get(url + '/api/battery').status_code == 404, 'the URL ends with the instance')
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
